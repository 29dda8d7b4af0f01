// Hostile HTML and Markdown in headless Chromium, with the page's Content-Security-Policy
// switched off (bypassCSP), so that only Buurt's sanitizing stands between the corpus and a
// running script. Every payload of the corpus, if it ran, sets window.__pwned or opens a
// dialog. On each page: every element gets the events inline handlers listen to, then the
// page is checked for a run script, an opened dialog, and for markup that should never
// survive (event-handler attributes, script/iframe/object/embed/base/meta elements,
// javascript:, vbscript: and data: links, inline styles outside the map).
//
// Environment: BASE (instance URL), PAGES (JSON: [{path, signedIn}]), LOGIN and PASSWORD (for
// the signed-in pages), ARTIFACTS (screenshots when a step fails). Prints one line per page;
// exits 1 on failure.

import { mkdirSync } from "node:fs";
import { launch } from "./common.mjs";

const { BASE: base, LOGIN: login, PASSWORD: password } = process.env;
const pages = JSON.parse(process.env.PAGES || "[]");
const artifacts = process.env.ARTIFACTS || "artifacts";
const browser = await launch();
const context = await browser.newContext({ locale: "nl-NL", bypassCSP: true });
const page = await context.newPage();
const dialogs = [];
page.on("dialog", async (dialog) => {
  dialogs.push(`${dialog.type()}: ${dialog.message()}`);
  await dialog.dismiss();
});
let step = "start";
let checked = 0;

/** What the page shows that should never have survived sanitizing. */
function audit() {
  const found = [];
  const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> ${el.outerHTML.slice(0, 120)}`;
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (attr.name.toLowerCase().startsWith("on")) found.push(`event handler ${attr.name} on ${describe(el)}`);
    }
    if (el.hasAttribute("style") && !el.closest(".map")) found.push(`inline style on ${describe(el)}`);
  }
  for (const el of document.querySelectorAll("iframe, object, embed, base, frame, frameset, applet, meta[http-equiv]")) {
    found.push(`element ${describe(el)}`);
  }
  for (const el of document.querySelectorAll("script")) {
    const own = el.src ? new URL(el.src).origin === location.origin : el.type === "application/json";
    if (!own) found.push(`script ${describe(el)}`);
  }
  for (const el of document.querySelectorAll("[href], [src], [action], [formaction], [xlink\\:href], [data]")) {
    for (const name of ["href", "src", "action", "formaction", "xlink:href", "data"]) {
      const value = el.getAttribute(name);
      if (value == null) continue;
      let scheme;
      try {
        scheme = new URL(value, location.href).protocol;
      } catch {
        continue;
      }
      if (["javascript:", "vbscript:", "data:"].includes(scheme)) found.push(`${scheme} in ${name} of ${describe(el)}`);
    }
  }
  return found;
}

/** Fires what inline handlers listen to on every element, as a visitor's pointer and keys would. */
function provoke() {
  const events = ["mouseover", "mouseenter", "mousemove", "click", "focus", "focusin", "blur", "toggle",
    "animationstart", "transitionend", "load", "error", "pointerover", "keydown", "input", "change"];
  for (const el of document.querySelectorAll("main *")) {
    // Links and buttons would navigate away or submit: their handlers run on the other events.
    const navigates = el.closest("a, button, form");
    for (const type of events) {
      if (type === "click" && navigates) continue;
      el.dispatchEvent(new Event(type, { bubbles: true }));
    }
  }
}

try {
  let signedIn = false;
  for (const { path, signedIn: wantsSignIn } of pages) {
    step = path;
    if (wantsSignIn && !signedIn) {
      await page.goto(`${base}/inloggen`);
      await page.fill("#login", login);
      await page.fill("#password", password);
      await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
      signedIn = true;
    }
    const response = await page.goto(`${base}${path}`, { waitUntil: "load" });
    if (response.status() !== 200) throw new Error(`status ${response.status()}`);
    await page.evaluate(provoke);
    await page.waitForTimeout(300);
    const pwned = await page.evaluate(() => window.__pwned);
    if (pwned !== undefined) throw new Error(`a payload ran: window.__pwned = ${pwned}`);
    if (dialogs.length > 0) throw new Error(`a payload opened a dialog: ${dialogs.join("; ")}`);
    const found = await page.evaluate(audit);
    if (found.length > 0) throw new Error(`survived sanitizing:\n  ${found.join("\n  ")}`);
    const marker = await page.evaluate(() => document.body.innerText.includes("corpus-marker"));
    if (!marker) throw new Error("the corpus is not on this page (nothing was checked)");
    checked += 1;
    console.log(`ok ${path}${wantsSignIn ? " (signed in)" : ""}`);
  }
  console.log(`hostile: ${checked} pages, no script ran`);
  console.log("done");
} catch (error) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/hostile-failure.png`, fullPage: true }).catch(() => {});
  console.log(`FAILED at ${step}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
