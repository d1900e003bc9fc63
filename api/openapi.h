#pragma once
// The OpenAPI 3.0 document of the whole HTTP API and the page that renders it, both compiled
// into the binary (no file is read at run time, no CDN): served by api/routes_docs.cpp at
// GET /api/docs-json and GET /api/docs.
//
// Source: docs/openapi.json is the single source of the document. CMakeLists.txt turns it
// into generated/openapi_json.inc (raw string literal pieces) at configure time and re-runs
// when the file changes; openapi_json() answers it minified.
//
// The page is self-contained HTML with one inline <style> and one inline <script>; it fetches
// /api/docs-json (same origin) and renders it with DOM text nodes only. docs_page_csp() is
// the strict Content-Security-Policy to serve it with: `default-src 'none'`, the script and
// the style allowed by their SHA-256 hashes (computed once, with libsodium), `connect-src
// 'self'` for the fetch.
//
// Thread-safety: the three functions build their text once (thread-safe static
// initialisation) and return views of immutable strings that live until exit.
#include <string_view>

namespace ledger::api {

// The OpenAPI document (JSON, minified).
[[nodiscard]] std::string_view openapi_json();
// The documentation page (text/html; charset=utf-8).
[[nodiscard]] std::string_view docs_page_html();
// The Content-Security-Policy header value for docs_page_html().
[[nodiscard]] std::string_view docs_page_csp();

}  // namespace ledger::api
