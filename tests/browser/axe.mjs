// Runs axe-core (WCAG 2.1 A and AA rules) over Buurt's pages in Debian's headless Chromium,
// in the light and the dark colour scheme, anonymous and signed in.
//
// Environment: BASE (the instance URL), LOGIN and PASSWORD (an admin account),
// PAGES (JSON: [{"path": "/", "signedIn": false}, …]), ARTIFACTS (a folder for screenshots of
// failing pages). Prints one line per page and exits 1 when any page has a violation.

import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { launch } from "./common.mjs";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.BASE;
const pages = JSON.parse(process.env.PAGES || "[]");
const artifacts = process.env.ARTIFACTS || "artifacts";

const browser = await launch();

async function signIn(context) {
  const page = await context.newPage();
  await page.goto(`${base}/inloggen`);
  await page.fill("#login", process.env.LOGIN);
  await page.fill("#password", process.env.PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit].button--primary")]);
  await page.close();
}

let failures = 0;
for (const scheme of ["light", "dark"]) {
  // The pages forbid inline scripts (CSP); the test injects axe, so it bypasses that.
  const anonymous = await browser.newContext({ colorScheme: scheme, bypassCSP: true });
  const member = await browser.newContext({ colorScheme: scheme, bypassCSP: true });
  await signIn(member);
  for (const { path, signedIn } of pages) {
    const page = await (signedIn ? member : anonymous).newPage();
    const response = await page.goto(`${base}${path}`);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
    const violations = result.violations;
    const label = `${path} (${signedIn ? "signed in" : "anonymous"}, ${scheme})`;
    if (violations.length === 0) {
      console.log(`ok ${label} status ${response.status()}`);
    } else {
      failures += violations.length;
      console.log(`FAIL ${label}`);
      for (const v of violations) {
        console.log(`  ${v.id} (${v.impact}): ${v.help}`);
        for (const node of v.nodes.slice(0, 5)) console.log(`    ${node.target.join(" ")}: ${node.failureSummary.replace(/\n/g, " ")}`);
      }
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: `${artifacts}/${scheme}-${path.replace(/[^a-z0-9]+/gi, "_")}.png`, fullPage: true });
    }
    await page.close();
  }
  await anonymous.close();
  await member.close();
}
await browser.close();
console.log(`axe: ${pages.length * 2} page checks, ${failures} violations`);
process.exit(failures === 0 ? 0 : 1);
