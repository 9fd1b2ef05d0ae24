// Opens Stemma's HTML report in headless Chromium and checks what a reader
// would check. Run by .ci/run after the Rust tests:
//
//   node tests/browser/report.test.mjs [path/to/stemma] [artifact folder]
//
// Reports are made from examples/articles (always) and ../shared/seeds (when
// present; skipped loudly otherwise). Screenshots go to the artifact folder
// (default target/browser-artifacts).
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const stemma = resolve(process.argv[2] || join(repo, "target", "release", "stemma"));
const artifacts = resolve(process.argv[3] || join(repo, "target", "browser-artifacts"));
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
mkdirSync(artifacts, { recursive: true });

let failures = 0, passes = 0;
function check(ok, what) {
  if (ok) { passes++; console.log("  ok   " + what); }
  else { failures++; console.log("  FAIL " + what); }
}

function report(input, name) {
  const out = join(artifacts, name + ".html");
  execFileSync(stemma, ["analyze", input, "--html", out, "--quiet"], { stdio: ["ignore", "ignore", "inherit"] });
  console.log(`${name}: ${out} (${(statSync(out).size / 1024).toFixed(1)} KiB)`);
  return out;
}

async function open(browser, file, width = 1280, height = 900) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) errors.push("network request: " + r.url()); });
  await page.goto(pathToFileURL(file).href);
  return { page, errors };
}

// WCAG contrast of every visible text element against its nearest opaque
// background: returns the worst offenders below `min`.
async function lowContrast(page, min = 4.5) {
  return page.evaluate((min) => {
    const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (e) => {
      for (; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const e of document.querySelectorAll("body *")) {
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.data.trim());
      if (!own || !e.offsetParent) continue;
      const fg = parse(getComputedStyle(e).color).slice(0, 3);
      const [a, b] = [lum(fg), lum(background(e))].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < min) bad.push(e.tagName.toLowerCase() + "." + e.className + " " + ratio.toFixed(2));
    }
    return [...new Set(bad)].slice(0, 8);
  }, min);
}

// Cumulative layout shift since the page started loading.
async function layoutShift(page) {
  return page.evaluate(() => new Promise((done) => {
    let total = 0;
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) total += e.value; })
      .observe({ type: "layout-shift", buffered: true });
    setTimeout(() => done(total), 300);
  }));
}

async function activeChange(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || !a.classList.contains("change")) return null;
    const r = a.getBoundingClientRect();
    return { text: a.textContent, visible: r.top >= 0 && r.bottom <= innerHeight };
  });
}

async function examples(browser) {
  console.log("examples/articles");
  const file = report(join(repo, "examples", "articles"), "examples");
  const { page, errors } = await open(browser, file);
  check(await page.locator("section.story").count() >= 1, "overview lists at least one story");
  check(await page.locator(".witness").count() >= 2, "independent witnesses are drawn as separate boxes");
  check(await page.locator(".tree a[href^='#pair/']").count() >= 1, "copies link to their pair view");
  await page.screenshot({ path: join(artifacts, "examples-overview.png"), fullPage: true });

  await page.locator(".tree a[href^='#pair/']").first().click();
  await page.waitForSelector(".pair");
  check(await page.locator(".pair .head").count() === 2, "pair view has two columns");
  const columns = await page.evaluate(() => getComputedStyle(document.querySelector(".pair")).gridTemplateColumns.split(" ").length);
  check(columns === 2, "at laptop width the texts sit side by side");
  check(await page.locator(".legend").count() === 1, "pair view has a legend");

  await page.setViewportSize({ width: 390, height: 844 });
  const phone = await page.evaluate(() => getComputedStyle(document.querySelector(".pair")).gridTemplateColumns.split(" ").length);
  check(phone === 1, "at phone width the texts stack");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  check(overflow <= 1, "no horizontal scrolling at phone width (overflow " + overflow + "px)");
  await page.screenshot({ path: join(artifacts, "examples-pair-phone.png"), fullPage: false });

  await page.emulateMedia({ media: "print" });
  check(await page.locator("nav").isHidden(), "navigation is hidden when printing");
  await page.emulateMedia({ media: "screen" });
  check(errors.length === 0, "no console errors or network requests: " + JSON.stringify(errors));
  await page.close();
}

async function seeds(browser) {
  const seedsDir = join(repo, "..", "shared", "seeds");
  if (!existsSync(seedsDir)) {
    console.log("\n!!! SKIPPED: ../shared/seeds is absent; the seed checks need ../shared beside the repository !!!\n");
    return;
  }
  console.log("../shared/seeds");
  const file = report(seedsDir, "seeds");
  const { page, errors } = await open(browser, file);
  check(await page.locator("section.story").count() === 1, "the five seeds are one story");
  check(await page.locator("section.story .witness").count() === 3, "three independent witnesses");
  const heading = (await page.locator("section.story h3").first().textContent()) || "";
  check(/^Story s1: \S+( \S+){3,}/.test(heading) && !/\d+ documents/.test(heading), "the story is named by words, not counts: " + heading);
  await page.screenshot({ path: join(artifacts, "seeds-overview.png"), fullPage: true });
  check((await layoutShift(page)) < 0.01, "no layout shift while the overview loads");
  const poorOverview = await lowContrast(page);
  check(poorOverview.length === 0, "all text in the overview has WCAG AA contrast (4.5:1): " + JSON.stringify(poorOverview));

  await page.getByRole("link", { name: "All relations" }).click();
  await page.waitForSelector("tbody tr");
  const link = page.locator("a[href^='#pair/']", { hasText: "002_" }).filter({ hasText: "004_" }).first();
  check(await link.count() === 1, "the 002/004 pair is listed among all relations");
  await link.click();
  await page.waitForSelector(".pair");
  const heads = await page.locator(".pair .head").allTextContents();
  const poor = await lowContrast(page);
  check(poor.length === 0, "all text in the pair view has WCAG AA contrast (4.5:1): " + JSON.stringify(poor));
  check((await layoutShift(page)) < 0.01, "no layout shift in the pair view");
  check(heads.some((h) => h.includes("002_")) && heads.some((h) => h.includes("004_")), "002 and 004 side by side: " + heads.join(" | "));
  const zelensky = page.locator(".notes .tag.quote", { hasText: "Zelensky" });
  check(await zelensky.count() >= 1, "the Zelensky quotation is flagged as altered");
  // A mark is split where it crosses a deleted or inserted word: join per cell.
  const marked = await page.evaluate(() => [...document.querySelectorAll(".cell")]
    .map((c) => [...c.querySelectorAll("mark.quote")].map((m) => m.textContent).join("")));
  check(marked.some((t) => t.includes("de facto rejected")) && marked.some((t) => t.includes("effectively rejected")),
    "both wordings of the Zelensky quotation are marked");
  const facts = await page.locator("mark.fact").allTextContents();
  check(facts.some((t) => t.includes("former")), "the 'former' title is marked as a changed fact: " + JSON.stringify(facts));
  check(await page.locator("mark.attr").count() >= 1, "the dropped attribution is marked");
  check(await page.locator(".cell.unmatched").count() >= 1, "unmatched sentences are greyed");

  const total = await page.locator(".notes.change").count();
  await page.keyboard.press("j");
  const first = await activeChange(page);
  check(first !== null && first.visible, "j moves focus to the first change, scrolled into view");
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  const third = await activeChange(page);
  const status = await page.locator("#change-status").textContent();
  check(third !== null && third.text !== first.text && status === "Change 3 of " + total, "j steps through changes: " + status);
  await page.keyboard.press("k");
  check((await page.locator("#change-status").textContent()) === "Change 2 of " + total, "k steps back");
  await page.getByRole("button", { name: /Next change/ }).click();
  check((await page.locator("#change-status").textContent()) === "Change 3 of " + total, "the Next change button works");
  await page.screenshot({ path: join(artifacts, "seeds-pair-002-004.png"), fullPage: false });

  await page.goto(pathToFileURL(file).href + "#story/0");
  await page.waitForSelector("li.conflict");
  const conflicts = await page.locator("li.conflict").allTextContents();
  check(conflicts.some((c) => c.includes("energy and infrastructure") && c.includes("energy infrastructure")),
    "collation shows the energy / energy-and-infrastructure conflict");
  check(await page.locator("li.conflict blockquote").count() >= 2, "conflicts cite their sentences");
  const unique = await page.locator("h4").allTextContents();
  check(unique.length === 3, "unique claims are listed per witness");
  await page.screenshot({ path: join(artifacts, "seeds-collation.png"), fullPage: true });
  const poorCollation = await lowContrast(page);
  check(poorCollation.length === 0, "all text in the collation view has WCAG AA contrast (4.5:1): " + JSON.stringify(poorCollation));
  // Printed: the collation as a PDF, an artifact to look at.
  await page.emulateMedia({ media: "print" });
  await page.pdf({ path: join(artifacts, "seeds-collation.pdf"), format: "A4", printBackground: true });
  const printOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(printOverflow <= 1, "the printed page does not overflow sideways (" + printOverflow + "px)");
  await page.emulateMedia({ media: "screen" });
  check(errors.length === 0, "no console errors or network requests: " + JSON.stringify(errors));
  await page.close();
}

async function tenThousand(browser) {
  const corpus = join(repo, "bench", "out", "corpus-10000.jsonl");
  if (!existsSync(corpus)) {
    console.log("\n!!! SKIPPED: bench/out/corpus-10000.jsonl is absent (bench/smoke.py makes it); the 10k page check did not run !!!\n");
    return;
  }
  console.log("bench/out/corpus-10000.jsonl");
  const file = report(corpus, "corpus-10000");
  const size = statSync(file).size;
  check(size <= 21 * 1048576, "the 10k page stays within its 20 MB budget (" + (size / 1048576).toFixed(1) + " MB)");
  const started = Date.now();
  const { page, errors } = await open(browser, file);
  await page.waitForSelector("section.story");
  const seconds = (Date.now() - started) / 1000;
  check(seconds < 20, "the 10k page opens and draws its overview in " + seconds.toFixed(1) + " s");
  const notice = await page.locator(".notice").textContent();
  check(/left out/.test(notice), "the page says what was left out: " + notice.slice(0, 120));
  await page.locator(".tree a[href^='#pair/']").first().click();
  await page.waitForSelector(".pair");
  check(await page.locator(".pair .cell").count() > 0, "a pair of the largest story opens side by side");
  await page.getByRole("link", { name: "All relations" }).click();
  await page.waitForSelector("tbody tr");
  check(await page.locator("tbody tr").count() === 500, "all relations are paged, 500 at a time");
  await page.getByRole("button", { name: "Show more" }).click();
  check(await page.locator("tbody tr").count() === 1000, "Show more adds the next 500");
  check(errors.length === 0, "no console errors or network requests: " + JSON.stringify(errors));
  await page.screenshot({ path: join(artifacts, "corpus-10000-relations.png") });
  await page.close();
}

const browser = await chromium.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
try {
  await examples(browser);
  await seeds(browser);
  await tenThousand(browser);
} finally {
  await browser.close();
}
console.log(`browser: ${passes} passed, ${failures} failed; screenshots in ${artifacts}`);
process.exit(failures ? 1 : 0);
