// Material's instant navigation only intercepts links that sitemap.xml lists, compared as absolute URLs. The
// course is built without a site_url (it runs on any host, port and folder), so its sitemap is empty and
// every click would reload the page and restart Python. This tiny script is loaded in <head> (mkdocs.yml
// `extra.polyfills`), before Material's bundle: it answers the bundle's sitemap request with the pages of the
// site's own navigation, as absolute URLs of the current location. The print page keeps full page loads.
(() => {
  const originalOpen = XMLHttpRequest.prototype.open;
  let sitemapURL = null;

  function pageURL(href) {
    const url = new URL(href, location.href);
    url.hash = "";
    url.search = "";
    return url;
  }

  function buildSitemap() {
    const pages = new Set([pageURL(location.href).href]);
    for (const link of document.querySelectorAll(".md-nav a[href], .md-footer a[href], a.md-header__button[href]")) {
      const url = pageURL(link.getAttribute("href"));
      if (url.origin === location.origin && !url.pathname.includes("print_page")) pages.add(url.href);
    }
    const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    const body = [...pages].map((url) => `<url><loc>${escape(url)}</loc></url>`).join("");
    const xml = `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${body}</urlset>`;
    return URL.createObjectURL(new Blob([xml], { type: "application/xml" }));
  }

  XMLHttpRequest.prototype.open = function open(method, url, ...rest) {
    try {
      const target = new URL(String(url), location.href);
      if (target.origin === location.origin && target.pathname.endsWith("/sitemap.xml")) {
        sitemapURL = sitemapURL || buildSitemap();
        return originalOpen.call(this, method, sitemapURL, ...rest);
      }
    } catch {
      // not a URL we know: let the browser handle it
    }
    return originalOpen.call(this, method, url, ...rest);
  };
})();
