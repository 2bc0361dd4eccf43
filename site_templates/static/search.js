/* kyvat site search (DESIGN.md §4): runs in the browser on /search/ with no server, loading only
   the parts of the Pagefind index (site/pagefind/) that a query needs.

   Pagefind's records hold the folded terms of kyvat.vietnamese (đ → d, sĩ/sỹ merged), so the query
   is folded here the same way, with the spelling table kyvat writes beside the index. Each word and
   "phrase" is asked as an exact match and the answers intersected: the same rule as the research
   index (`kyvat search`). Finding every hit loads only the index chunks of those words; a hit's
   fragment and original text are fetched when it is shown, ten at a time, and the first ten are
   re-ranked so that hits with the diacritics typed come first.

   An object's transcription pages are sections of its record (headings with ids p1, p2…): a
   record is a hit of the research index's kind only if one section holds every word and phrase,
   which the hit's fragment tells: its folded terms in order, and where each section starts (an
   exact search's word positions cannot: Pagefind gives only a record's first match). */

const ROOT = new URL("../", import.meta.url); // this file is static/search.js under the site root
const LANG = document.documentElement.lang === "en" ? "en" : "vi";
const PAGE = 10; // hits shown at a time
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
   Pagefind record (sitesearch.to_record_path). */
export function keyOf(recordUrl) {
  const url = recordUrl.replace(/^\//, "");
  const path = url.replace(/^en\//, "");
  let m = path.match(/^objects\/([^/]+)\/$/);
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

/* Which sections of a record hold every word and phrase asked: "" (the record's own text, before
   its first page) and page numbers. `content` is the fragment's text: the folded terms, word n at
   Pagefind's location n; `anchors` are where the page headings (ids p1, p2…) start. */
export function sections(anchors, content, parsed) {
  const terms = content.split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}]/gu, "")).filter((w) => w);
  const at = (id) => (anchors.find((a) => a.id === id) || { location: 0 }).location;
  const starts = anchors.filter((a) => /^p\d+$/.test(a.id || "")).sort((a, b) => a.location - b.location);
  // A page's document is the object's title (the h1, ids t to d), its label and its text; a null
  // between them so that no phrase runs from one into the other.
  const title = terms.slice(at("t"), at("d"));
  const ranges = [{ page: "", terms: terms.slice(0, starts.length ? starts[0].location : terms.length) }]
    .concat(starts.map((a, i) => ({ page: a.id.slice(1), terms: title.concat([null], terms.slice(a.location, i + 1 < starts.length ? starts[i + 1].location : terms.length)) })));
  const has = (words, phrase) => words.some((_, i) => phrase.every((t, k) => words[i + k] === t));
  const asks = parsed.words.map((w) => [w]).concat(parsed.phrases);
  return ranges.filter((r) => asks.every((phrase) => has(r.terms, phrase))).map((r) => r.page);
}

/* A hit's record URL, titles and original texts (sitesearch.to_text_path files them), and the
   sections that match; null if no section holds every word (they are spread over its pages). */
async function load(result, parsed) {
  const data = await result.data();
  const matched = sections(data.anchors || [], data.content, parsed);
  if (!matched.length) return null;
  const path = data.raw_url.replace(/^\//, "").replace(/^en\//, "");
  const response = await fetch(new URL(`pagefind/kyvat-text/${path}index.json`, ROOT));
  return { url: data.raw_url, kind: (data.filters.kind || [])[0] || "", matched, ...(await response.json()) };
}

function shownText(data) {
  return data.matched.map((p) => (p ? data.pages[p].text : data.text)).join("\n");
}

function render(data, wanted, variants) {
  const { href, key, target } = keyOf(data.url);
  const { kind } = data;
  const name = (title) => title[LANG] || title.vi || title.en || "";
  const li = document.createElement("li");
  li.className = `search-hit search-${kind}`;
  li.dataset.key = key;
  li.dataset.target = target;
  // The research index's keys of the sections found: the record's own, and its pages'.
  const object = key.replace(/^object:/, "");
  li.dataset.keys = data.matched.map((p) => (p ? `transcript:${object}:${p}` : key)).join(" ");
  const pages = data.matched.filter((p) => p).map((p) => `<li class="search-page" data-key="transcript:${escape(object)}:${p}">`
    + `<a href="${escape(new URL(`${href}#p${p}`, ROOT).href)}">${escape(name(data.pages[p].title))}</a>`
    + ` <span class="search-kind">${escape(WORDS.kinds.transcript)}</span>`
    + `<p>${snippet(data.pages[p].text, wanted, variants)}</p></li>`).join("");
  li.innerHTML = `<a href="${escape(new URL(href, ROOT).href)}">${escape(name(data.title))}</a>`
    + ` <span class="search-kind">${escape(WORDS.kinds[kind] || "")}</span>`
    + (data.matched.includes("") ? `<p>${snippet(data.text, wanted, variants)}</p>` : "")
    + (pages ? `<ul class="search-pages">${pages}</ul>` : "");
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
    const hits = await find(pagefind, parsed);
    if (mine !== current) return;
    let seen = 0; // hits loaded, shown or not
    let total = hits.length; // less the records found to match only across their pages
    async function page(first) {
      const next = [];
      while (next.length < PAGE && seen < hits.length) {
        const batch = hits.slice(seen, seen + PAGE - next.length);
        seen += batch.length;
        const loaded = await Promise.all(batch.map((r) => load(r, parsed)));
        total -= loaded.filter((d) => !d).length;
        next.push(...loaded.filter((d) => d));
      }
      if (mine !== current) return;
      // The first ten: those holding the diacritics typed first (sort is stable).
      if (first && parsed.exact.length) {
        next.sort((a, b) => exactCount(shownText(b), parsed.exact) - exactCount(shownText(a), parsed.exact));
      }
      next.forEach((data) => ui.list.appendChild(render(data, wanted, variants)));
      ui.more.hidden = seen >= hits.length;
      ui.status.textContent = query.trim() ? (total ? WORDS.count(total, query) : WORDS.none(query)) : "";
      root.dataset.total = String(total);
    }
    ui.more.onclick = () => page(false);
    await page(true);
    root.setAttribute("aria-busy", "false");
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
