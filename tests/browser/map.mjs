// The map in Debian's headless Chromium: a moderator points out a group's meeting place by
// clicking the map, and the group page and the map page then show it as a marker.
//
// Environment: BASE (the instance URL), LOGIN and PASSWORD (a moderator), GROUP (a group name),
// ARTIFACTS (a folder for a screenshot when a step fails). Prints "map: all passed" at the end.

import { mkdirSync } from "node:fs";
import { launch } from "./common.mjs";

const base = process.env.BASE;
const group = process.env.GROUP;
const artifacts = process.env.ARTIFACTS || "artifacts";

const browser = await launch();
const context = await browser.newContext();
const page = await context.newPage();
page.on("pageerror", (e) => console.log(`page error: ${e.stack}`));

function check(condition, message) {
  if (!condition) throw new Error(message);
}

try {
  await page.goto(`${base}/inloggen`);
  await page.fill("#login", process.env.LOGIN);
  await page.fill("#password", process.env.PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit].button--primary")]);

  // The form's map appears (the script ran) and a click fills in the coordinates.
  await page.goto(`${base}/g/${group}/plek`);
  await page.waitForSelector(".map--ready .leaflet-container", { timeout: 10000 });
  check(await page.isVisible(".map__canvas"), "the map canvas is hidden");
  const box = await page.locator(".map__canvas").boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const lat = parseFloat(await page.inputValue("#latitude"));
  const lon = parseFloat(await page.inputValue("#longitude"));
  check(Math.abs(lat) <= 90 && Math.abs(lon) <= 180, `clicking the map gave ${lat}, ${lon}`);
  check(await page.locator("path.map__marker").count() === 1, "no marker where the map was clicked");
  console.log(`picked ${lat} ${lon}`);
  await page.fill("#place_name", "Buurthuis De Meeuw");
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  check(new URL(page.url()).pathname === `/g/${group}`, `after saving the page is ${page.url()}`);

  // The group page: one marker; its popup links to the group.
  await page.waitForSelector(".map--ready path.map__marker", { timeout: 10000 });
  await page.locator("path.map__marker").click();
  const popupLink = page.locator(".leaflet-popup-content a");
  await popupLink.waitFor({ timeout: 5000 });
  check((await popupLink.getAttribute("href")) === `/g/${group}`, "the popup does not link to the group");
  check((await page.textContent(".map__list")).includes("Buurthuis De Meeuw"), "the list lacks the place");

  // The map page: the neighbourhood's boundary and the marker.
  await page.goto(`${base}/kaart`);
  await page.waitForSelector(".map--ready path.map__marker", { timeout: 10000 });
  check(await page.locator("path.map__area").count() === 1, "the neighbourhood boundary is not drawn");
  check((await page.locator(".leaflet-tile").count()) > 0, "no map tiles were placed");
  console.log("map: all passed");
} catch (e) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}/map-failure.png`, fullPage: true });
  console.log(`FAIL ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
