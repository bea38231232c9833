<div>
  <h1>{{ config.site_name }}</h1>
  {% if config.site_description %}<p>{{ config.site_description }}</p>{% endif %}
  <p>讲义版（由课程网站生成，可离线打印或另存为 PDF）</p>
</div>
