// Browser flows in Debian's headless Chromium: register, sign out and in, change language,
// follow a group, choose a home neighbourhood, join a group, start a thread and reply in it,
// and follow an actor of another server through the remote-follow flow.
//
// Environment: ALPHA and BETA (instance URLs), GROUP (a group on alpha), NEIGHBOURHOOD (the name of a
// neighbourhood on alpha), REMOTE (a person on beta), ARTIFACTS (screenshots when a step
// fails). Prints one line per step; exits 1 on failure.

import { mkdirSync } from "node:fs";
import { expectText as expectOn, launch, steps } from "./common.mjs";

const { ALPHA: alpha, BETA: beta, GROUP: group, NEIGHBOURHOOD: home, REMOTE: remote } = process.env;
const artifacts = process.env.ARTIFACTS || "artifacts";
const browser = await launch();
const context = await browser.newContext({ locale: "nl-NL" });
const page = await context.newPage();
const { run, current } = steps();

try {
  await run("register", async () => {
    await page.goto(`${alpha}/registreren`);
    await page.fill("#username", "fenna");
    await page.fill("#display_name", "Fenna");
    await page.fill("#email", "fenna@buurt.example");
    await page.fill("#password", "fiets-molen-Kanaal-93");
    await page.fill("#password_confirm", "fiets-molen-Kanaal-93");
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "main", "Welkom terug, Fenna.");
  });
  await run("sign out, and in again with the keyboard only", async () => {
    await Promise.all([page.waitForNavigation(), page.click("text=Uitloggen")]);
    await expectOn(page, "header", "Inloggen");
    await page.goto(`${alpha}/inloggen`);
    // The first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press("Tab");
    const first = await page.evaluate(() => document.activeElement.textContent.trim());
    if (first !== "Naar de inhoud") throw new Error(`first Tab stop is "${first}"`);
    await page.keyboard.press("Enter");
    const focused = await page.evaluate(() => document.activeElement.id);
    if (focused !== "main") throw new Error(`the skip link focused "${focused}"`);
    // Tab into the form, type, and submit with Enter.
    await page.focus("#login");
    await page.keyboard.type("fenna@buurt.example");
    await page.keyboard.press("Tab");
    await page.keyboard.type("fiets-molen-Kanaal-93");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await expectOn(page, "main", "Welkom terug, Fenna.");
  });
  await run("change language", async () => {
    await Promise.all([page.waitForNavigation(), page.click("button[value=en]")]);
    await expectOn(page, "main", "Welcome back, Fenna.");
    await Promise.all([page.waitForNavigation(), page.click("button[value=nl]")]);
    await expectOn(page, "main", "Welkom terug, Fenna.");
  });
  await run("follow a group", async () => {
    await page.goto(`${alpha}/g/${group}`);
    await Promise.all([page.waitForNavigation(), page.click("button[value=follow]")]);
    await expectOn(page, "main", "Niet meer volgen");
    await expectOn(page, "main", "1 volger");
  });
  await run("choose a home neighbourhood", async () => {
    await page.goto(`${alpha}/`);
    await Promise.all([page.waitForNavigation(), page.click("text=Kies je buurt")]);
    await page.selectOption("#neighbourhood", { label: home });
    await Promise.all([
      page.waitForNavigation(),
      page.click("section[aria-labelledby=choice-list-heading] button[type=submit]"),
    ]);
    await page.goto(`${alpha}/`);
    // The home page shows it first.
    const first = await page.textContent("main h2");
    if (!first.includes(home)) throw new Error(`the first section is "${first}"`);
  });
  await run("join a group, start a thread and reply", async () => {
    await page.goto(`${alpha}/g/${group}`);
    await Promise.all([page.waitForNavigation(), page.click("text=Leden en lidmaatschap")]);
    await Promise.all([page.waitForNavigation(), page.click("form[action$='/lid-worden'] button")]);
    await expectOn(page, "main", "Je bent lid van deze groep.");
    await page.goto(`${alpha}/g/${group}`);
    await Promise.all([page.waitForNavigation(), page.click("text=Nieuw gesprek beginnen")]);
    await page.fill("#title", "Plantjesruil");
    await page.fill("#text", "Wie heeft **stekjes** over?");
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "h1", "Plantjesruil");
    await expectOn(page, "main strong", "stekjes");
    await page.fill("#status", "Ik heb een vijgenboom!");
    await Promise.all([page.waitForNavigation(), page.click("section.compose button[type=submit]")]);
    await expectOn(page, "main", "Ik heb een vijgenboom!");
    // The thread is listed on the group's page.
    await page.goto(`${alpha}/g/${group}`);
    await expectOn(page, "ul.threads", "Plantjesruil");
  });
  await run("follow an actor of another server", async () => {
    await page.goto(`${beta}/u/${remote}`);
    await page.fill("#remote-handle", `@fenna@${new URL(alpha).host}`);
    await Promise.all([page.waitForNavigation(), page.click("text=Volg vanaf mijn server")]);
    if (!page.url().startsWith(`${alpha}/authorize_interaction`)) throw new Error(`landed on ${page.url()}`);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    const deadline = Date.now() + 30000;
    for (;;) {
      const text = (await page.textContent("main")) || "";
      if (text.includes("Je volgt")) break;
      if (Date.now() > deadline) throw new Error(`follow not accepted: ${text.trim()}`);
      await page.waitForTimeout(200);
      await page.reload();
    }
  });
  console.log("flows: all passed");
} catch (error) {
  console.log(`FAIL ${current()}: ${error.message}`);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/${current().replace(/[^a-z0-9]+/gi, "_")}.png`, fullPage: true });
  await browser.close();
  process.exit(1);
}
await browser.close();
