// Starts GOV.UK Frontend's JavaScript components. Every page works without it.
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
