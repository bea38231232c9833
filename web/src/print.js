// Printing from the dark scheme: every colour of the page (Material's and the course's) follows the
// data-md-color-scheme attribute, so paper gets the light scheme for the time of the print dialog, and the
// reader's choice comes back afterwards. (Without this a black frame filled every page that "背景图形" prints.)
let restore = null;

window.addEventListener("beforeprint", () => {
  const body = document.body;
  const scheme = body.getAttribute("data-md-color-scheme");
  if (scheme && scheme !== "default") {
    restore = scheme;
    body.setAttribute("data-md-color-scheme", "default");
  }
});

window.addEventListener("afterprint", () => {
  if (restore) document.body.setAttribute("data-md-color-scheme", restore);
  restore = null;
});
