// What the browser scripts share: Debian's headless Chromium, and steps that print "ok NAME"
// and remember which one failed.

import { chromium } from "playwright-core";

/** Debian's Chromium (or $CHROMIUM), headless, without the network traffic of its own. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** Named steps: `run(name, body)` prints "ok name" when it passed; `current()` is the step running. */
export function steps() {
  let step = "start";
  return {
    current: () => step,
    async run(name, body) {
      step = name;
      await body();
      console.log(`ok ${name}`);
    },
  };
}

/** Fails unless what `selector` shows on `page` contains `text`. */
export async function expectText(page, selector, text) {
  const content = (await page.textContent(selector)) || "";
  if (!content.includes(text)) throw new Error(`${selector} shows "${content.trim()}", expected "${text}"`);
}
