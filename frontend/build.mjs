// Builds the front end into static/ (git-ignored; collectstatic and WhiteNoise serve it):
//   static/app/application.css   GOV.UK Frontend + our styles, compiled from frontend/application.scss
//   static/app/init.js           starts GOV.UK Frontend's components (frontend/init.mjs)
//   static/app/accessible-autocomplete.min.{js,css}  GOV.UK's autocomplete: the school search, long selects
//   static/govuk/govuk-frontend.min.js and static/govuk/assets/  (fonts, images, manifest)
//   each package file with the source map it names (collectstatic's manifest storage needs it)
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(root, "static");

// Copies a package's built file and the source map it names (its last `sourceMappingURL=`
// comment), so collectstatic's manifest storage, which follows that reference, finds the map
// (docs/decisions/0040). Should a release name a map it does not ship, the comment is dropped
// instead: the browser would fetch a map that is not there, and the production build would stop.
function copyWithSourceMap(source, destination) {
  const text = readFileSync(source, "utf8");
  const comment = /(?:\/\/|\/\*)[#@] sourceMappingURL=([^\s*]+)[^\n]*\n?$/;
  const named = text.match(comment);
  if (!named || named[1].startsWith("data:")) {
    cpSync(source, destination);
    return;
  }
  const map = join(dirname(source), named[1]);
  if (existsSync(map)) {
    cpSync(source, destination);
    cpSync(map, join(dirname(destination), named[1]));
  } else {
    console.warn(`${source} names ${named[1]}, which its package does not ship: comment dropped`);
    writeFileSync(destination, text.replace(comment, ""));
  }
}

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
copyWithSourceMap(join(autocomplete, "accessible-autocomplete.min.js"), join(out, "app", "accessible-autocomplete.min.js"));
copyWithSourceMap(join(autocomplete, "accessible-autocomplete.min.css"), join(out, "app", "accessible-autocomplete.min.css"));

mkdirSync(join(out, "govuk"), { recursive: true });
copyWithSourceMap(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets"), join(out, "govuk", "assets"), { recursive: true });
console.log("Built static/app/application.css and static/govuk/");
