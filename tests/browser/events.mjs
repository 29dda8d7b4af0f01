// Making an event and answering it by keyboard only, in Debian's headless Chromium: the
// organiser signs in, opens the new-event form from the agenda, fills it with Tab and typing
// (dates as its hint says), posts it; a neighbour
// signs in, tabs to "Ik ga" and sends the answer; the page then says they are going.
//
// Environment: BASE (instance URL), ORGANISER, NEIGHBOUR and PASSWORD, ARTIFACTS (screenshots
// when a step fails). Prints one line per step; exits 1 on failure.

import { mkdirSync } from "node:fs";
import { expectText, launch, steps } from "./common.mjs";

const { BASE: base, ORGANISER: organiser, NEIGHBOUR: neighbour, PASSWORD: password } = process.env;
const artifacts = process.env.ARTIFACTS || "artifacts";
const browser = await launch();
const { run, current } = steps();
let page;

/** Presses Tab until the focused element matches `selector` (at most 80 times). */
async function tabTo(selector) {
  for (let i = 0; i < 80; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function signIn(name) {
  page = await (await browser.newContext({ locale: "nl-NL" })).newPage();
  await page.goto(`${base}/inloggen`);
  await tabTo("#login");
  await page.keyboard.type(name);
  await tabTo("#password");
  await page.keyboard.type(password);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
}

let eventUrl;
try {
  await run("the organiser opens the form from the agenda", async () => {
    await signIn(organiser);
    await page.goto(`${base}/activiteiten`);
    await tabTo("main a.button");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await expectText(page, "h1", "Nieuwe activiteit");
  });
  await run("and fills it in by keyboard", async () => {
    await tabTo("#title");
    await page.keyboard.type("Samen koken in het buurthuis");
    await tabTo("#description");
    await page.keyboard.type("Iedereen kookt een gerecht uit eigen land.");
    // Dates as the form's hint says: day-month-year and time.
    await tabTo("#starts");
    await page.keyboard.type("14-06-2031 18:00");
    await tabTo("#ends");
    await page.keyboard.type("14-06-2031 21:00");
    await tabTo("#place_name");
    await page.keyboard.type("Buurthuis De Meeuw");
    await tabTo("#capacity");
    await page.keyboard.type("12");
    await tabTo("#access_wheelchair");
    await page.keyboard.press("Space");
    await tabTo("form.form button[type=submit]");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await expectText(page, "main", "De activiteit staat in de agenda.");
    await expectText(page, "main", "za 14 juni 2031, 18:00–21:00");
    await expectText(page, "main", "Rolstoeltoegankelijk");
    eventUrl = page.url().split("?")[0];
  });
  await run("a neighbour answers by keyboard", async () => {
    await signIn(neighbour);
    await page.goto(eventUrl);
    await tabTo("#rsvp-going");
    await page.keyboard.press("Space");
    await tabTo("#rsvp-message");
    await page.keyboard.type("Ik maak soep");
    await tabTo("form[action$='/aanmelden'] button[type=submit]");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await expectText(page, "main", "Je gaat. Tot dan!");
    await expectText(page, "main", "1 gaat / 12");
  });
  console.log("events: all passed");
} catch (error) {
  mkdirSync(artifacts, { recursive: true });
  if (page) await page.screenshot({ path: `${artifacts}/events-failure.png`, fullPage: true }).catch(() => {});
  console.log(`FAILED at ${current()}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
