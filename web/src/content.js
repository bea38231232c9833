// Course-content components (情景模拟, home page, printing); main.js imports this one module.
import "./scenario.js";
import "./landing.js";
import "./print.js";
