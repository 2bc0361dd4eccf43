/* kyvat site search (DESIGN.md §4): runs in the browser on /search/ with no server, loading only
   the parts of the Pagefind index (site/pagefind/) that a query needs.

   Pagefind's records hold the folded terms of kyvat.vietnamese (đ → d, sĩ/sỹ merged), so the query
   is folded here the same way, with the spelling table kyvat writes beside the index. Each word and
   "phrase" is asked as an exact match and the answers intersected: the same rule as the research
   index (`kyvat search`). Finding every hit loads only the index chunks of those words; a hit's
   fragment and original text are fetched when it is shown, ten at a time, and the first ten are
   re-ranked so that hits with the diacritics typed come first. */

const ROOT = new URL("../", import.meta.url); // this file is static/search.js under the site root
const LANG = document.documentElement.lang === "en" ? "en" : "vi";
const PAGE = 10; // hits shown at a time
const RERANK = PAGE; // leading hits re-ranked by exact diacritics: those shown first, nothing more fetched
const SNIPPET = 220; // characters of text around the first match

const WORDS = {
  vi: {
    label: "Tìm trong bộ sưu tập", button: "Tìm", more: "Xem thêm",
    none: (q) => `Không tìm thấy kết quả cho “${q}”.`,
    count: (n, q) => `${n} kết quả cho “${q}”`,
    kinds: { object: "Hiện vật", transcript: "Trang tài liệu", person: "Nhân vật", exhibition: "Trưng bày", page: "Trang" },
    failed: "Không tải được chỉ mục tìm kiếm.",
  },
  en: {
    label: "Search the collection", button: "Search", more: "More results",
    none: (q) => `Nothing found for “${q}”.`,
    count: (n, q) => `${n} result${n === 1 ? "" : "s"} for “${q}”`,
    kinds: { object: "Object", transcript: "Document page", person: "Person", exhibition: "Exhibition", page: "Page" },
    failed: "The search index could not be loaded.",
  },
}[LANG];

/* The analysis of kyvat/vietnamese.py: NFC, lower case, marks removed, đ → d. */
export function fold(text) {
  return text.normalize("NFC").toLowerCase().normalize("NFD").replace(/\p{M}/gu, "")
    .replace(/đ/g, "d").normalize("NFC");
}

/* Syllables with their offsets in the NFC text (Python: [^\W_]+). */
export function tokens(text) {
  return [...text.normalize("NFC").matchAll(/[\p{L}\p{N}]+/gu)]
    .map((m) => ({ token: m[0], start: m.index, end: m.index + m[0].length }));
}

export function term(token, variants) {
  const folded = fold(token);
  return Object.hasOwn(variants, folded) ? variants[folded] : folded;
}

/* Words (all required), "phrases", and what was typed with diacritics (for ranking only). */
export function parse(query, variants) {
  const phrases = [];
  const rest = query.replace(/"([^"]*)"?/g, (_, inner) => {
    const terms = tokens(inner).map((t) => term(t.token, variants));
    if (terms.length === 1) return ` ${inner} `;
    if (terms.length) phrases.push(terms);
    return " ";
  });
  const words = [...new Set(tokens(rest).filter((t) => t.token !== "AND").map((t) => term(t.token, variants)))];
  const exact = tokens(query).map((t) => t.token.toLowerCase()).filter((e) => e !== term(e, variants));
  return { words, phrases, exact: [...new Set(exact)] };
}

/* A record's page on the site, and its key as the research index names it, from the URL of its
   Pagefind record (sitesearch.to_record_path: a transcript page n is filed under p{n}/). */
export function keyOf(recordUrl) {
  const url = recordUrl.replace(/^\//, "");
  const path = url.replace(/^en\//, "");
  let m = path.match(/^objects\/([^/]+)\/p(\d+)\/$/);
  if (m) return { href: url.replace(/p\d+\/$/, `#p${m[2]}`), key: `transcript:${m[1]}:${m[2]}`, target: `object:${m[1]}` };
  m = path.match(/^objects\/([^/]+)\/$/);
  if (m) return { href: url, key: `object:${m[1]}`, target: `object:${m[1]}` };
  m = path.match(/^(people|exhibitions)\/([^/]+)\/$/);
  const key = m ? `${m[1] === "people" ? "person" : "exhibition"}:${m[2]}` : `page:${path.replace(/\/$/, "")}`;
  return { href: url, key, target: key };
}

function escape(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/* Part of the original text around the first match, every matching syllable in <mark>. */
export function snippet(text, wanted, variants) {
  const nfc = text.normalize("NFC");
  const hits = tokens(nfc).filter((t) => wanted.has(term(t.token, variants)));
  let from = hits.length ? Math.max(0, hits[0].start - 60) : 0;
  while (from > 0 && /[\p{L}\p{N}]/u.test(nfc[from - 1])) from -= 1;
  const to = Math.min(nfc.length, from + SNIPPET);
  let html = from > 0 ? "…" : "";
  let at = from;
  for (const hit of hits.filter((h) => h.start >= from && h.end <= to)) {
    html += escape(nfc.slice(at, hit.start)) + "<mark>" + escape(nfc.slice(hit.start, hit.end)) + "</mark>";
    at = hit.end;
  }
  return html + escape(nfc.slice(at, to)) + (to < nfc.length ? "…" : "");
}

function exactCount(text, exact) {
  if (!exact.length) return 0;
  const have = new Set(tokens(text).map((t) => t.token.toLowerCase()));
  return exact.filter((e) => have.has(e)).length;
}

/* Every hit of `query`, best first: Pagefind results, their data not loaded. Pagefind's exact
   ("quoted") mode decides what matches (unquoted, it also takes longer words starting alike); a
   hit's scores for each word are summed to order it. Only the index chunks of these words load. */
export async function find(pagefind, parsed, options = {}) {
  const asks = parsed.words.map((w) => `"${w}"`).concat(parsed.phrases.map((p) => `"${p.join(" ")}"`));
  if (!asks.length) return [];
  let hits = null;
  for (const ask of asks) {
    const answer = await pagefind.search(ask, options);
    const scores = new Map(answer.results.map((r) => [r.id, r.score]));
    hits = hits ? hits.filter((h) => scores.has(h.result.id)) : answer.results.map((r) => ({ result: r, score: 0 }));
    hits.forEach((h) => { h.score += scores.get(h.result.id); });
  }
  return hits.sort((a, b) => b.score - a.score || (a.result.id < b.result.id ? -1 : 1)).map((h) => h.result);
}

/* A hit's record URL, title and original text (sitesearch.to_text_path files the text). */
async function load(result) {
  const data = await result.data();
  const path = data.raw_url.replace(/^\//, "").replace(/^en\//, "");
  const response = await fetch(new URL(`pagefind/kyvat-text/${path}index.json`, ROOT));
  return { url: data.raw_url, kind: (data.filters.kind || [])[0] || "", ...(await response.json()) };
}

/* Load the leading hits and put those with the typed diacritics first. */
async function rerank(hits, parsed) {
  const head = await Promise.all(hits.slice(0, RERANK).map(async (r, i) => ({ r, i, data: await load(r) })));
  if (parsed.exact.length) {
    head.sort((a, b) => exactCount(b.data.text, parsed.exact) - exactCount(a.data.text, parsed.exact) || a.i - b.i);
  }
  return head.map((h) => ({ result: h.r, data: h.data })).concat(hits.slice(RERANK).map((r) => ({ result: r, data: null })));
}

function render(item, wanted, variants) {
  const { data } = item;
  const { href, key, target } = keyOf(data.url);
  const { kind } = data;
  const title = data.title[LANG] || data.title.vi || data.title.en || "";
  const li = document.createElement("li");
  li.className = `search-hit search-${kind}`;
  li.dataset.key = key;
  li.dataset.target = target;
  li.innerHTML = `<a href="${escape(new URL(href, ROOT).href)}">${escape(title)}</a>`
    + ` <span class="search-kind">${escape(WORDS.kinds[kind] || "")}</span>`
    + `<p>${snippet(data.text, wanted, variants)}</p>`;
  return li;
}

function build(root) {
  let form = root.querySelector("form");
  if (!form) {
    form = document.createElement("form");
    form.setAttribute("role", "search");
    form.innerHTML = `<label for="search-q">${escape(WORDS.label)}</label> <input id="search-q" name="q" type="search" autocomplete="off"> <button type="submit">${escape(WORDS.button)}</button>`;
    root.prepend(form);
  }
  const status = root.querySelector("[role=status]") || root.appendChild(Object.assign(document.createElement("p"), { className: "search-status" }));
  status.setAttribute("role", "status");
  const list = root.querySelector("ol") || root.appendChild(Object.assign(document.createElement("ol"), { className: "search-results" }));
  const more = root.querySelector(".search-more") || root.appendChild(Object.assign(document.createElement("button"), { className: "search-more", type: "button" }));
  more.textContent = WORDS.more;
  more.hidden = true;
  return { form, input: form.elements.q, status, list, more };
}

async function start() {
  const root = document.getElementById("search");
  if (!root) return;
  const ui = build(root);
  let pagefind;
  let variants;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", ROOT).href);
    variants = (await (await fetch(new URL("pagefind/kyvat-analysis.json", ROOT))).json()).variants;
  } catch (error) {
    ui.status.textContent = WORDS.failed;
    throw error;
  }
  let current = 0; // a newer query makes an older one's answers stale

  async function run(query) {
    const mine = ++current;
    ui.list.replaceChildren();
    ui.more.hidden = true;
    root.setAttribute("aria-busy", "true");
    const parsed = parse(query, variants);
    const wanted = new Set(parsed.words.concat(parsed.phrases.flat()));
    const hits = await rerank(await find(pagefind, parsed), parsed);
    if (mine !== current) return;
    let shown = 0;
    async function page() {
      const next = hits.slice(shown, shown + PAGE);
      await Promise.all(next.map(async (item) => { item.data = item.data || await load(item.result); }));
      if (mine !== current) return;
      next.forEach((item) => ui.list.appendChild(render(item, wanted, variants)));
      shown += next.length;
      ui.more.hidden = shown >= hits.length;
    }
    ui.more.onclick = page;
    await page();
    ui.status.textContent = query.trim() ? (hits.length ? WORDS.count(hits.length, query) : WORDS.none(query)) : "";
    root.setAttribute("aria-busy", "false");
    root.dataset.total = String(hits.length);
    root.dataset.done = query;
  }

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = ui.input.value;
    history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
    run(query);
  });
  const query = new URLSearchParams(location.search).get("q") || "";
  ui.input.value = query;
  document.querySelectorAll('input[name="q"]').forEach((box) => { box.value = query; });
  await run(query);
}

start();
