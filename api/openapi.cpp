#include "api/openapi.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sodium.h>

#include <array>
#include <string>

#include "events/assert.h"

namespace ledger::api {
namespace {

// docs/openapi.json as written (CMakeLists.txt generates the pieces). An array, not a
// constexpr string_view: its length comes from sizeof, not from a constexpr strlen (which
// exceeds GCC's constexpr loop limit for a text this long).
constexpr char document_text[] =
#include "openapi_json.inc"
    ;
constexpr std::string_view document_source{document_text, sizeof document_text - 1};

// The page's inline style and script: the CSP allows exactly these texts (by hash), so they
// are kept apart from the markup and hashed as they appear between their tags.
constexpr std::string_view page_style = R"page(
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d9dde5; --soft: #f4f6f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header { padding: 20px 28px 12px; border-bottom: 1px solid var(--line); background: var(--soft); }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { margin: 32px 0 4px; font-size: 20px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { margin: 14px 0 6px; font-size: 15px; }
main { padding: 0 28px 48px; max-width: 1280px; }
.muted { color: var(--muted); }
.text { white-space: pre-wrap; margin: 6px 0; }
.version { font-size: 13px; color: var(--muted); }
nav { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 6px 14px; }
nav a { color: #1f5fbf; text-decoration: none; font-size: 14px; }
nav a:hover { text-decoration: underline; }
.filter { margin-top: 12px; width: 100%; max-width: 420px; padding: 6px 8px; font: inherit; border: 1px solid var(--line); border-radius: 4px; }
details.op { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; background: #fff; }
details.op > summary { cursor: pointer; padding: 8px 10px; display: flex; gap: 10px; align-items: baseline; list-style: none; }
details.op > summary::-webkit-details-marker { display: none; }
details.op[open] > summary { border-bottom: 1px solid var(--line); background: var(--soft); }
.body { padding: 4px 14px 12px; }
.method { display: inline-block; min-width: 64px; text-align: center; font: bold 12px/20px ui-monospace, Menlo, Consolas, monospace; color: #fff; border-radius: 3px; padding: 0 6px; }
.m-get { background: #2f7d4f; } .m-post { background: #1f5fbf; } .m-patch { background: #a86500; } .m-delete { background: #b3261e; } .m-other { background: #5b6475; }
.path { font: 14px ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
.roles { font-size: 13px; color: var(--muted); margin-left: auto; text-align: right; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 13.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.name, td.type { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; white-space: nowrap; }
.status { font: bold 13px ui-monospace, Menlo, Consolas, monospace; }
.error { color: #b3261e; }
.hidden { display: none; }
)page";

constexpr std::string_view page_script = R"page(
"use strict";
(function () {
  var main = document.getElementById("doc");
  var nav = document.getElementById("toc");
  var spec = null;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent, child) { parent.appendChild(child); return child; }

  function lookup(ref) {
    if (typeof ref !== "string" || ref.indexOf("#/") !== 0) return {};
    var node = spec;
    var parts = ref.slice(2).split("/");
    for (var i = 0; i < parts.length && node; i++) {
      node = node[parts[i].replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    return node || {};
  }
  function resolve(s) {
    for (var n = 0; s && s.$ref && n < 32; n++) s = lookup(s.$ref);
    return s || {};
  }
  function refName(s) { return s && s.$ref ? String(s.$ref).split("/").pop() : ""; }

  // One object view of a schema: allOf parts merged (properties, required), $ref followed.
  function flatten(s, depth) {
    depth = depth || 0;
    var r = resolve(s);
    if (!r.allOf || depth > 16) return r;
    var out = { properties: {}, required: [], nullable: !!r.nullable, description: r.description };
    r.allOf.forEach(function (part) {
      var p = flatten(part, depth + 1);
      Object.keys(p).forEach(function (k) {
        if (k === "properties") {
          Object.keys(p.properties).forEach(function (name) { out.properties[name] = p.properties[name]; });
        } else if (k === "required") {
          out.required = out.required.concat(p.required);
        } else if (k === "nullable") {
          out.nullable = out.nullable || !!p.nullable;
        } else if (k === "description") {
          if (!out.description) out.description = p.description;
        } else {
          out[k] = p[k];
        }
      });
    });
    if (Object.keys(out.properties).length === 0) delete out.properties;
    return out;
  }

  function typeText(s, depth) {
    depth = depth || 0;
    var f = flatten(s);
    var name = refName(s) || (resolve(s).allOf && resolve(s).allOf.length === 1 ? refName(resolve(s).allOf[0]) : "");
    var t;
    if (f.oneOf) {
      t = f.oneOf.map(function (x) { return refName(x) || (depth < 4 ? typeText(x, depth + 1) : "?"); }).join(" | ");
    } else if (f.type === "array") {
      t = "array of " + (f.items ? (refName(f.items) || (depth < 4 ? typeText(f.items, depth + 1) : "?")) : "any");
    } else if (name && (f.properties || f.type === "object")) {
      t = name;
    } else {
      t = f.type || (f.properties ? "object" : "any");
      if (f.format) t += " (" + f.format + ")";
    }
    if (f.nullable) t += " | null";
    return t;
  }

  function constraints(s) {
    var f = flatten(s);
    var out = [];
    if (f.enum) out.push("one of: " + f.enum.join(", "));
    if (f.pattern) out.push("pattern: " + f.pattern);
    if (f.minLength !== undefined) out.push("min length " + f.minLength);
    if (f.maxLength !== undefined) out.push("max length " + f.maxLength);
    if (f.minimum !== undefined) out.push(">= " + f.minimum);
    if (f.maximum !== undefined) out.push("<= " + f.maximum);
    if (f.minItems !== undefined) out.push("at least " + f.minItems + " element(s)");
    if (f.maxItems !== undefined) out.push("at most " + f.maxItems + " element(s)");
    if (f.default !== undefined) out.push("default " + JSON.stringify(f.default));
    if (f.additionalProperties === false) out.push("no other keys");
    return out.join("; ");
  }

  // Rows {name, type, required, notes, description} of every field, nested ones as a.b, a[].b.
  function fieldRows(s, prefix, depth, out, seen) {
    if (depth > 10) return;
    var name = refName(s);
    if (name) {
      if (seen.indexOf(name) >= 0) return;
      seen = seen.concat([name]);
    }
    var f = flatten(s);
    if (f.type === "array" && f.items) { fieldRows(f.items, prefix + "[]", depth + 1, out, seen); return; }
    if (f.oneOf) {
      f.oneOf.forEach(function (alt) {
        var altName = refName(alt) || "variant";
        out.push({ name: (prefix || "") + " \u2192 " + altName, type: "one of", required: false, notes: "",
                   description: flatten(alt).description || "" });
        fieldRows(alt, prefix, depth + 1, out, seen);
      });
      return;
    }
    if (!f.properties) return;
    var required = f.required || [];
    Object.keys(f.properties).forEach(function (key) {
      var p = f.properties[key];
      var full = prefix ? prefix + "." + key : key;
      var pf = flatten(p);
      out.push({ name: full, type: typeText(p), required: required.indexOf(key) >= 0, notes: constraints(p),
                 description: pf.description || "" });
      fieldRows(p, full, depth + 1, out, seen);
    });
  }

  function table(headers, rows) {
    var t = el("table");
    var tr = add(add(t, el("thead")), el("tr"));
    headers.forEach(function (h) { add(tr, el("th", null, h)); });
    var tb = add(t, el("tbody"));
    rows.forEach(function (r) {
      var row = add(tb, el("tr"));
      r.forEach(function (cell, i) { add(row, el("td", i === 0 ? "name" : (i === 1 ? "type" : null), cell)); });
    });
    return t;
  }

  function schemaBlock(parent, s) {
    var rows = [];
    fieldRows(s, "", 0, rows, []);
    if (rows.length === 0) {
      add(parent, el("p", "muted", typeText(s)));
      return;
    }
    var named = refName(s);
    if (named) add(parent, el("p", "muted", "Schema " + named));
    add(parent, table(["Field", "Type", "Required", "Constraints", "Description"], rows.map(function (r) {
      return [r.name, r.type, r.required ? "yes" : "", r.notes, r.description];
    })));
  }

  function methodClass(m) {
    return ["get", "post", "patch", "delete"].indexOf(m) >= 0 ? "method m-" + m : "method m-other";
  }

  function rolesText(op) {
    var r = op["x-roles"];
    if (Array.isArray(r)) return r.length ? r.join(", ") : "Any authenticated user";
    if (r === "public") return "Public";
    if (r === "any") return "Any authenticated user";
    return "";
  }

  function renderOperation(parent, path, method, op) {
    var d = add(parent, el("details", "op"));
    d.setAttribute("data-search", (method + " " + path + " " + (op.summary || "") + " " + (op.operationId || "")).toLowerCase());
    var sum = add(d, el("summary"));
    add(sum, el("span", methodClass(method), method.toUpperCase()));
    add(sum, el("span", "path", path));
    add(sum, el("span", null, op.summary || ""));
    add(sum, el("span", "roles", rolesText(op)));
    var body = add(d, el("div", "body"));
    if (op.description) add(body, el("p", "text", op.description));
    var sec = op.security !== undefined ? op.security : (spec.security || []);
    add(body, el("p", "muted", "Operation id: " + (op.operationId || "-") + ". Authentication: " +
      (sec.length === 0 ? "none (public)" : sec.map(function (x) { return Object.keys(x).join(" + "); }).join(" or "))));

    var params = (op.parameters || []).map(resolve);
    if (params.length) {
      add(body, el("h3", null, "Parameters"));
      add(body, table(["Name", "Type", "In", "Required", "Constraints", "Description"], params.map(function (p) {
        return [p.name, typeText(p.schema || {}), p["in"], p.required ? "yes" : "", constraints(p.schema || {}), p.description || ""];
      })));
    }
    if (op.requestBody) {
      var rb = resolve(op.requestBody);
      add(body, el("h3", null, "Request body" + (rb.required ? " (required)" : "")));
      Object.keys(rb.content || {}).forEach(function (ct) {
        add(body, el("p", "muted", ct));
        schemaBlock(body, rb.content[ct].schema || {});
      });
    }
    add(body, el("h3", null, "Responses"));
    Object.keys(op.responses || {}).forEach(function (code) {
      var resp = resolve(op.responses[code]);
      var p = add(body, el("p"));
      add(p, el("span", "status" + (code.charAt(0) === "2" || code.charAt(0) === "1" ? "" : " error"), code));
      p.appendChild(document.createTextNode(" " + (resp.description || "")));
      var content = resp.content || {};
      Object.keys(content).forEach(function (ct) {
        var s = content[ct].schema || {};
        if (refName(s) === "ErrorResponse") {
          add(body, el("p", "muted", ct + ": ErrorResponse"));
          return;
        }
        add(body, el("p", "muted", ct));
        schemaBlock(body, s);
      });
    });
  }

  function render() {
    var info = spec.info || {};
    document.title = (info.title || "API") + " " + (info.version || "");
    document.getElementById("title").textContent = info.title || "API";
    document.getElementById("version").textContent = "version " + (info.version || "?") + ", OpenAPI " + (spec.openapi || "?");
    main.textContent = "";
    if (info.description) add(main, el("p", "text", info.description));

    var filter = document.getElementById("filter");
    var tags = (spec.tags || []).map(function (t) { return t.name; });
    var byTag = {};
    Object.keys(spec.paths || {}).forEach(function (path) {
      var item = spec.paths[path];
      ["get", "post", "put", "patch", "delete", "options", "head"].forEach(function (m) {
        if (!item[m]) return;
        var tag = (item[m].tags && item[m].tags[0]) || "Other";
        if (tags.indexOf(tag) < 0) tags.push(tag);
        (byTag[tag] = byTag[tag] || []).push([path, m, item[m]]);
      });
    });
    tags.forEach(function (tag, i) {
      if (!byTag[tag]) return;
      var id = "tag-" + i;
      var link = add(nav, el("a", null, tag));
      link.setAttribute("href", "#" + id);
      var section = add(main, el("section"));
      var h = add(section, el("h2", null, tag));
      h.id = id;
      var t = (spec.tags || []).filter(function (x) { return x.name === tag; })[0];
      if (t && t.description) add(section, el("p", "muted", t.description));
      byTag[tag].forEach(function (o) { renderOperation(section, o[0], o[1], o[2]); });
    });

    var schemas = (spec.components && spec.components.schemas) || {};
    var link = add(nav, el("a", null, "Schemas"));
    link.setAttribute("href", "#schemas");
    var sh = add(main, el("h2", null, "Schemas"));
    sh.id = "schemas";
    Object.keys(schemas).forEach(function (name) {
      var d = add(main, el("details", "op"));
      d.setAttribute("data-search", ("schema " + name).toLowerCase());
      var sum = add(d, el("summary"));
      add(sum, el("span", "path", name));
      var b = add(d, el("div", "body"));
      var s = schemas[name];
      if (s.description) add(b, el("p", "text", s.description));
      schemaBlock(b, { $ref: "#/components/schemas/" + name });
    });

    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      var items = main.querySelectorAll("details.op");
      for (var k = 0; k < items.length; k++) {
        var hit = !q || items[k].getAttribute("data-search").indexOf(q) >= 0;
        items[k].classList.toggle("hidden", !hit);
      }
    });
  }

  fetch("/api/docs-json", { credentials: "same-origin" })
    .then(function (r) {
      if (!r.ok) throw new Error("GET /api/docs-json answered " + r.status);
      return r.json();
    })
    .then(function (json) { spec = json; render(); })
    .catch(function (e) {
      main.textContent = "";
      add(main, el("p", "error", "Could not load the API document: " + e.message));
    });
})();
)page";

constexpr std::string_view page_head = R"page(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>posledger API</title>
<style>)page";

constexpr std::string_view page_middle = R"page(</style>
</head>
<body>
<header>
<h1 id="title">posledger API</h1>
<div class="version" id="version"></div>
<nav id="toc"></nav>
<input class="filter" id="filter" type="search" placeholder="Filter by path, method or summary" aria-label="Filter operations">
</header>
<main id="doc"><p class="muted">Loading the API document from /api/docs-json&hellip;</p></main>
<script>)page";

constexpr std::string_view page_tail = R"page(</script>
</body>
</html>
)page";

// 'sha256-<base64 of the SHA-256 of text>' (a CSP hash source).
std::string csp_hash(std::string_view text) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  std::array<char, sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                             sodium_base64_VARIANT_ORIGINAL)>
      encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), digest.data(), digest.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  return fmt::format("'sha256-{}'", encoded.data());
}

// Whitespace removed (the file is indented for people; the wire needs none). Both buffers get
// simdjson's padding: its block reader may look past the end.
std::string minified(std::string_view json) {
  const simdjson::padded_string input(json);
  std::string out(json.size() + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t length = 0;
  const auto error = simdjson::minify(input.data(), input.size(), out.data(), length);
  LEDGER_ASSERT(error == simdjson::SUCCESS, "docs/openapi.json does not minify: {}",
                simdjson::error_message(error));
  out.resize(length);
  return out;
}

}  // namespace

std::string_view openapi_json() {
  static const std::string text = minified(document_source);
  return text;
}

std::string_view docs_page_html() {
  static const std::string page = [] {
    std::string out;
    out.reserve(page_head.size() + page_style.size() + page_middle.size() + page_script.size() +
                page_tail.size());
    out.append(page_head).append(page_style).append(page_middle).append(page_script).append(
        page_tail);
    return out;
  }();
  return page;
}

std::string_view docs_page_csp() {
  static const std::string policy = fmt::format(
      "default-src 'none'; script-src {}; style-src {}; connect-src 'self'; img-src 'self'; "
      "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      csp_hash(page_script), csp_hash(page_style));
  return policy;
}

}  // namespace ledger::api
