// Password reset by e-mail in Debian's headless Chromium: ask for a link on the sign-in page,
// read the mail the SMTP server received, open its link, set a new password and sign in.
//
// Environment: BASE (instance URL), LOGIN (an account's name), EMAIL (its address), MAILDIR
// (the SMTP server's Maildir), PASSWORD (the new password), ARTIFACTS (screenshots when a step
// fails). Prints one line per step; exits 1 on failure.

import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { expectText as expectOn, launch, steps } from "./common.mjs";

const { BASE: base, LOGIN: login, EMAIL: email, MAILDIR: maildir, PASSWORD: password } = process.env;
const artifacts = process.env.ARTIFACTS || "artifacts";
const browser = await launch();
const context = await browser.newContext({ locale: "nl-NL" });
const page = await context.newPage();
const { run, current } = steps();

// The reset link of the first mail in the Maildir, waiting for it to arrive.
async function resetLink() {
  const deadline = Date.now() + 30000;
  for (;;) {
    let files = [];
    try {
      files = readdirSync(`${maildir}/new`).sort();
    } catch {}
    if (files.length > 0) {
      // Undo quoted-printable soft line breaks and "=3D".
      const text = readFileSync(`${maildir}/new/${files[0]}`, "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      const match = text.match(/https?:\/\/[^\s"<>]*\/wachtwoord-herstellen\?t=[A-Za-z0-9_-]+/);
      if (!match) throw new Error(`no reset link in the mail:\n${text}`);
      return match[0];
    }
    if (Date.now() > deadline) throw new Error("no mail arrived");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  let link;
  await run("ask for a reset link from the sign-in page", async () => {
    await page.goto(`${base}/inloggen`);
    await Promise.all([page.waitForNavigation(), page.click("text=Wachtwoord vergeten?")]);
    await page.fill("#email", email);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "main", "Kijk in je mailbox");
  });
  await run("read the mail", async () => {
    link = await resetLink();
  });
  await run("open the link and set a new password", async () => {
    await page.goto(link);
    await expectOn(page, "h1", "Nieuw wachtwoord instellen");
    await page.fill("#password", password);
    await page.fill("#password_confirm", password);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "main", "Je wachtwoord is ingesteld");
  });
  await run("sign in with the new password", async () => {
    await Promise.all([page.waitForNavigation(), page.click("main a[href='/inloggen']")]);
    await page.fill("#login", login);
    await page.fill("#password", password);
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await expectOn(page, "main", "Welkom terug");
  });
  await run("the link works only once", async () => {
    const response = await page.goto(link);
    if (response.status() !== 410) throw new Error(`second use answered ${response.status()}`);
    await expectOn(page, "main", "al gebruikt");
  });
  console.log("reset: all passed");
} catch (error) {
  console.log(`FAIL ${current()}: ${error.message}`);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/${current().replace(/[^a-z0-9]+/gi, "_")}.png`, fullPage: true });
  await browser.close();
  process.exit(1);
}
await browser.close();
