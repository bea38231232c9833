// Entry point of the page-side runtime (widgets, progress, quizzes).
window.courseware = window.courseware || {};
