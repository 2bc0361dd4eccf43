/* kyvat site search (docs/search.md): runs in the browser on /search/ with no server, loading only
   the parts of the Pagefind index (site/pagefind/) that a query needs.

   kyvat's Pagefind records (kyvat/sitesearch.py) hold search terms, not text: the folded terms of
   kyvat.vietnamese (đ → d, sĩ/sỹ merged), each once, and each pair of neighbouring terms as one
   token. So the query is folded here the same way, with the spelling table kyvat writes beside
   the index; each word, and each pair of a "phrase", is asked as an exact match and the answers
   intersected. That finds the records that may match; the research index's rule (`kyvat search`)
   is then checked on a hit's original text, fetched when the hit is shown, ten at a time: every
   word in one document (the record's own text, or one transcription page), a phrase in order.
   The first ten are re-ranked so that hits with the diacritics typed come first. */

const LANG = document.documentElement.lang === "en" ? "en" : "vi";
const PAGE = 10; // hits shown at a time
const LOOK = 20; // records whose texts a screen of hits may fetch
const SNIPPET = 220; // characters of text around the first match

/* The words of the page's language: kyvat's one word table (i18n.yaml, search.* keys), given by
   the search page as a JSON island. A missing word shows its key rather than stopping the search. */
const island = document.getElementById("kyvat-words");
const WORDS = island ? JSON.parse(island.textContent) : {};
const PLURAL = new Intl.PluralRules(LANG);

/* A word with its {fields} filled in; `count` picks the plural form (key.one, key.other…). */
function word(key, fields = {}, count = undefined) {
  const form = count === undefined ? key : `${key}.${PLURAL.select(count)}`;
  const text = WORDS[form] ?? WORDS[`${key}.other`] ?? WORDS[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (all, name) => (Object.hasOwn(fields, name) ? String(fields[name]) : all));
}

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

/* What this script loads and links, relative to the page: kyvat's URL map (Urls.search_paths)
   gives them as data attributes of the search page's #search. `text` holds `{id}` for a Pagefind
   result's id and `page` holds `{key}` for a page's key, as word templates hold `{n}`. */
const PATHS = document.getElementById("search")?.dataset ?? {};

function address(path, fields = {}) {
  return new URL(path.replace(/\{(\w+)\}/g, (all, name) => (Object.hasOwn(fields, name) ? fields[name] : all)),
    document.baseURI);
}

/* The search terms of a text, in order, as kyvat.vietnamese.make_terms makes them. */
export function terms(text, variants) {
  return tokens(text).map((t) => term(t.token, variants));
}

/* Two neighbouring terms as the one token kyvat's records hold for them (sitesearch.pair_token). */
export function pairToken(first, second) {
  return `zz${first}0${second}`;
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

/* Every record that may match, best first: Pagefind results, their texts not loaded. Each word
   and each pair of a phrase is asked in Pagefind's exact ("quoted") mode, which takes no longer
   words starting alike, and a record's scores are summed to order it. Only the index chunks of
   these words and pairs load. */
export async function find(pagefind, parsed, options = {}) {
  const pairs = parsed.phrases.flatMap((p) => p.slice(1).map((t, i) => pairToken(p[i], t)));
  const asks = [...new Set(parsed.words.concat(pairs))].map((w) => `"${w}"`);
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

/* Does a document match, by the research index's rule: every word among its terms (its titles,
   then its text), every phrase's terms in a row. */
export function matches(documentTerms, parsed) {
  const have = new Set(documentTerms);
  const inRow = (phrase) => documentTerms.some((_, i) => phrase.every((t, k) => documentTerms[i + k] === t));
  return parsed.words.every((w) => have.has(w)) && parsed.phrases.every(inRow);
}

function documentText(doc) {
  return `${doc.title.vi || ""}\n${doc.title.en || ""}\n${doc.text}`;
}

/* Which of a record's documents match: "" for the record's own, and page numbers. */
export function matchedDocuments(record, parsed, variants) {
  const docs = [["", record]].concat(Object.entries(record.pages || {}).sort((a, b) => a[0] - b[0]));
  return docs.filter(([, doc]) => matches(terms(documentText(doc), variants), parsed)).map(([page]) => page);
}

/* A hit's keys, kind, titles and original texts (sitesearch.make_text_json, named after the
   Pagefind result), and the documents that match; null if none does (the words are spread over
   its pages, or a phrase's pairs are not in a row). */
async function load(result, parsed, variants) {
  const response = await fetch(address(PATHS.text, { id: result.id }));
  if (!response.ok) throw new Error(`${response.status} for the text of ${result.id}`);
  const record = await response.json();
  const matched = matchedDocuments(record, parsed, variants);
  return matched.length ? { ...record, matched } : null;
}

function shownText(data) {
  return data.matched.map((p) => (p ? data.pages[p].text : data.text)).join("\n");
}

function render(data, wanted, variants) {
  const name = (title) => title[LANG] || title.vi || title.en || "";
  const href = (url) => escape(address(PATHS.page, { key: url }).href);
  const li = document.createElement("li");
  li.className = `search-hit search-${data.kind}`;
  li.dataset.key = data.key;
  // The research index's keys of the documents found: the record's own, and its pages'.
  li.dataset.keys = data.matched.map((p) => (p ? data.pages[p].key : data.key)).join(" ");
  const pages = data.matched.filter((p) => p).map((p) => data.pages[p]).map((page) => `<li class="search-page" data-key="${escape(page.key)}">`
    + `<a href="${href(page.url)}">${escape(name(page.title))}</a>`
    + ` <span class="search-kind">${escape(word("search.kind.transcript"))}</span>`
    + `<p>${snippet(page.text, wanted, variants)}</p></li>`).join("");
  li.innerHTML = `<a href="${href(data.url)}">${escape(name(data.title))}</a>`
    + ` <span class="search-kind">${escape(word(`search.kind.${data.kind}`))}</span>`
    + (data.matched.includes("") ? `<p>${snippet(data.text, wanted, variants)}</p>` : "")
    + (pages ? `<ul class="search-pages">${pages}</ul>` : "");
  return li;
}

function build(root) {
  let form = root.querySelector("form");
  if (!form) {
    form = document.createElement("form");
    form.setAttribute("role", "search");
    form.innerHTML = `<label for="search-q">${escape(word("search.label"))}</label> <input id="search-q" name="q" type="search" autocomplete="off"> <button type="submit">${escape(word("search.button"))}</button>`;
    root.prepend(form);
  }
  const status = root.querySelector("[role=status]") || root.appendChild(Object.assign(document.createElement("p"), { className: "search-status" }));
  status.setAttribute("role", "status");
  const list = root.querySelector("ol") || root.appendChild(Object.assign(document.createElement("ol"), { className: "search-results" }));
  const more = root.querySelector(".search-more") || root.appendChild(Object.assign(document.createElement("button"), { className: "search-more", type: "button" }));
  more.textContent = word("search.more");
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
    pagefind = await import(address(PATHS.script).href);
    const analysis = address(PATHS.analysis);
    const kyvat = await (await fetch(analysis)).json();
    variants = kyvat.variants;
    // A large index comes in parts (sitesearch.write_site_index): each is merged in, and a query
    // loads the chunks of its words from every part.
    await Promise.all((kyvat.parts || []).map((part) => pagefind.mergeIndex(new URL(part, analysis).href)));
  } catch (error) {
    ui.status.textContent = word("search.failed");
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
    // Only one word, or one pair, asked: every record found holds a document that matches.
    const certain = parsed.words.length + parsed.phrases.length === 1 && parsed.phrases.every((p) => p.length === 2);
    async function page(first) {
      const next = [];
      const from = seen;
      // Ten hits, but a screen's texts are not fetched for more than LOOK records that may match,
      // unless none matched yet: the words may be spread over many records' pages.
      while (next.length < PAGE && seen < hits.length && (seen - from < LOOK || !next.length)) {
        const room = seen - from < LOOK ? LOOK - (seen - from) : PAGE;
        const batch = hits.slice(seen, seen + Math.min(PAGE - next.length, room));
        seen += batch.length;
        const loaded = await Promise.all(batch.map((r) => load(r, parsed, variants)));
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
      const known = certain || seen >= hits.length;
      ui.status.textContent = !query.trim() ? "" : !total ? word("search.none", { q: query })
        : known ? word("search.count", { n: total, q: query }, total) : word("search.up_to", { n: total, q: query });
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
