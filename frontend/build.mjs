// Builds the front end into static/ (git-ignored; collectstatic and WhiteNoise serve it):
//   static/app/application.css   GOV.UK Frontend + our styles, compiled from frontend/application.scss
//   static/app/init.js           starts GOV.UK Frontend's components (frontend/init.mjs)
//   static/app/accessible-autocomplete.min.{js,css}  GOV.UK's autocomplete: the school search, long selects
//   static/govuk/govuk-frontend.min.js and static/govuk/assets/  (fonts, images, manifest)
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "static");

const css = sass.compile(join(root, "frontend", "application.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
});
mkdirSync(join(out, "app"), { recursive: true });
writeFileSync(join(out, "app", "application.css"), css.css);
cpSync(join(root, "frontend", "init.mjs"), join(out, "app", "init.js"));
cpSync(join(root, "frontend", "school-search.mjs"), join(out, "app", "school-search.js"));
cpSync(join(root, "frontend", "select-search.mjs"), join(out, "app", "select-search.js"));

// GOV.UK's accessible autocomplete, for the school search and long selects (plain without JavaScript).
const autocomplete = join(root, "node_modules", "accessible-autocomplete", "dist");
cpSync(join(autocomplete, "accessible-autocomplete.min.js"), join(out, "app", "accessible-autocomplete.min.js"));
cpSync(join(autocomplete, "accessible-autocomplete.min.css"), join(out, "app", "accessible-autocomplete.min.css"));

mkdirSync(join(out, "govuk"), { recursive: true });
cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets"), join(out, "govuk", "assets"), { recursive: true });
console.log("Built static/app/application.css and static/govuk/");
