// The API documentation (issue tracker: "An OpenAPI 3 document of the whole API at
// /api/docs-json and a readable page at /api/docs, served from the binary; no CDN"). Both
// routes are public (api-contract 1.1: the reference mounts its OpenAPI UI unguarded) and
// rate limited like any route. The texts are built once (api/openapi.h).
#include "api/openapi.h"
#include "api/server_app.h"

namespace ledger::api {
namespace {

using context_ptr = std::shared_ptr<request_context>;

// The OpenAPI 3.0 document, as JSON (the JSON responses' CSP applies).
void docs_json(server_app& app, const context_ptr& context) {
  app.reply(context, 200, std::string(openapi_json()));
}

// The page that renders it, with its own strict CSP (inline script and style by hash).
void docs_page(server_app& app, const context_ptr& context) {
  app.reply_document(context, 200, std::string(docs_page_html()), "text/html; charset=utf-8",
                     {{"Content-Security-Policy", std::string(docs_page_csp())}});
}

}  // namespace

void add_docs_routes(router<route_entry>& routes) {
  routes.add("GET", "/api/docs-json", route_entry{"GET /api/docs-json", true, {}, 0, docs_json});
  routes.add("GET", "/api/docs", route_entry{"GET /api/docs", true, {}, 0, docs_page});
}

}  // namespace ledger::api
