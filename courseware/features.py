"""Importing this module registers every feature's directives and build steps (one import per feature)."""

from __future__ import annotations

from courseware import (
    exercise_widget,  # noqa: F401  ::exercise{id="…"} widgets; validates every exercise spec at on_config
    grading,  # noqa: F401  ::grading{} 教师批改 in the browser
    landing,  # noqa: F401  ::course-map{part="…"} home page: 开始学习, 学习路线, 项目 cards from the nav
    offline_patch,  # noqa: F401  Material's CDN fallbacks point at the site's own files
    print_page,  # noqa: F401  last step: the print page without the quizzes' and scenarios' explanations
    pybundle,  # noqa: F401  Python bundle + manifest the browser worker loads (assets/courseware/py/)
    quiz,  # noqa: F401  ::quiz{id="…"} self-check quizzes
    runtime_assets,  # noqa: F401  Pyodide distribution + bundled browser runtime
    scenario,  # noqa: F401  ::scenario{id="…"} 情景模拟 conversations
    service_worker,  # noqa: F401  last step: sw.js precaching the whole site, then .gz copies (after pybundle)
    site_trim,  # noqa: F401  no source maps or unused search language packs in the site
    sitedata,  # noqa: F401  default dataset CSVs in site/data/
    student_field,  # noqa: F401  ::student-field{} the 学号 field with the grader's rule (我的进度)
)
