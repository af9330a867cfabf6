// Copies the KaTeX files the site serves into static/vendor/katex/.
// Only the woff2 fonts are shipped, so the CSS is rewritten to name only
// them: a stylesheet pointing at missing .woff/.ttf files would break
// Django's ManifestStaticFilesStorage (collectstatic fails on missing URLs).
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const src = "node_modules/katex/dist";
const out = "static/vendor/katex";

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "contrib"), { recursive: true });
mkdirSync(join(out, "fonts"), { recursive: true });

cpSync(join(src, "katex.min.js"), join(out, "katex.min.js"));
cpSync(join(src, "contrib/auto-render.min.js"), join(out, "contrib/auto-render.min.js"));
cpSync("node_modules/katex/LICENSE", join(out, "LICENSE"));

const fonts = readdirSync(join(src, "fonts")).filter((f) => f.endsWith(".woff2"));
for (const f of fonts) cpSync(join(src, "fonts", f), join(out, "fonts", f));

let css = readFileSync(join(src, "katex.min.css"), "utf8");
const before = (css.match(/url\(/g) || []).length;
css = css.replace(/,\s*url\(fonts\/[^)]+\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g, "");
const refs = [...css.matchAll(/url\(([^)]+)\)/g)].map((m) => m[1]);
const missing = refs.filter((r) => !fonts.includes(r.replace(/^fonts\//, "")));
if (missing.length) {
  console.error("katex.min.css still references files not shipped:", missing);
  process.exit(1);
}
writeFileSync(join(out, "katex.min.css"), css);
console.log(`katex: ${fonts.length} woff2 fonts, css url() ${before} -> ${refs.length}`);
