// Reporting and moderating in Debian's headless Chromium: a visitor without an account reports
// a post from its page; a moderator signs in, finds the report from the staff overview, takes
// the decision to remove the post with a statement of reasons, and the post is gone for
// visitors while the public moderation log shows the decision without names.
//
// Environment: BASE (instance URL), POST (the reported post's path), MODERATOR and PASSWORD,
// AUTHOR (the post author's username, which the log must not show), ARTIFACTS (screenshots
// when a step fails). Prints one line per step; exits 1 on failure.

import { mkdirSync } from "node:fs";
import { expectText as expectOn, launch, steps } from "./common.mjs";

const { BASE: base, POST: post, MODERATOR: moderator, PASSWORD: password, AUTHOR: author } = process.env;
const artifacts = process.env.ARTIFACTS || "artifacts";
const browser = await launch();
const visitor = await (await browser.newContext({ locale: "nl-NL" })).newPage();
const staff = await (await browser.newContext({ locale: "nl-NL" })).newPage();
const { run, current } = steps();
let page = visitor;

try {
  await run("a visitor reports the post from its page", async () => {
    page = visitor;
    await page.goto(`${base}${post}`);
    await Promise.all([page.waitForNavigation(), page.click("a.report-link")]);
    await page.selectOption("#category", "harassment");
    await page.fill("#comment", "Hier wordt een buurman zwartgemaakt.");
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "main", "Bedankt voor je melding");
  });
  await run("the moderator finds it from the staff overview", async () => {
    page = staff;
    await page.goto(`${base}/inloggen`);
    await page.fill("#login", moderator);
    await page.fill("#password", password);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await Promise.all([page.waitForNavigation(), page.click("header >> text=Beheer")]);
    await expectOn(page, "main", "Er wacht er 1.");
    await Promise.all([page.waitForNavigation(), page.click("main >> text=Gemelde inhoud")]);
    await Promise.all([page.waitForNavigation(), page.click("main li.card h2 a")]);
    await expectOn(page, "main", "Hier wordt een buurman zwartgemaakt.");
  });
  await run("and removes the post with a statement of reasons", async () => {
    await Promise.all([page.waitForNavigation(), page.click("text=Verwijderen (moderatie)")]);
    await page.selectOption("#ground", "harassment");
    await page.fill("#facts", "Het bericht beschuldigt een buurman zonder grond.");
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "main", "Bericht verwijderd");
    await expectOn(page, "main", "Het bericht beschuldigt een buurman zonder grond.");
  });
  await run("the report is closed with the decision", async () => {
    await page.goto(`${base}/beheer`);
    const waiting = (await page.textContent("main")) || "";
    if (waiting.includes("Er wacht er")) throw new Error(`still waiting: ${waiting.trim()}`);
  });
  await run("the post is gone for the visitor, the log shows the decision without names", async () => {
    page = visitor;
    const response = await page.goto(`${base}${post}`);
    if (response.status() < 400) throw new Error(`the removed post answers ${response.status()}`);
    await page.goto(`${base}/moderatie`);
    await expectOn(page, "main", "Bericht verwijderd");
    const log = (await page.textContent("main")) || "";
    if (log.includes(author) || log.includes(moderator)) throw new Error("the public log names people");
  });
  console.log("done");
} catch (error) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/moderation-failure.png`, fullPage: true }).catch(() => {});
  console.log(`FAILED at ${current()}: ${error.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
