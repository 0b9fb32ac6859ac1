// The one build: the package (dist/*.js and their .d.ts, by tsc) and the demo page (dist/web/: index.html,
// style.css, icon.svg and app.js, one ES module bundling the package, @serenity-kit/opaque and its inlined WASM).
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });

const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.json")], { stdio: "inherit" });

const web = join(dist, "web");
mkdirSync(web, { recursive: true });
await build({
  entryPoints: [join(root, "demo", "app.ts")],
  bundle: true,
  format: "esm",
  target: "es2022",
  platform: "browser",
  outfile: join(web, "app.js"),
  legalComments: "linked",
  logLevel: "warning",
});
for (const file of ["index.html", "style.css", "icon.svg"]) copyFileSync(join(root, "demo", file), join(web, file));
console.log(`built ${dist}`);
