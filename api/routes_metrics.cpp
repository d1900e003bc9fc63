// GET /metrics: Prometheus text (api/metrics.h lists the families). Public, like /health: a
// scraper on the operator's network reads it without a user; it shows counts and timings only,
// never records.
#include "api/server_app.h"

namespace ledger::api {
namespace {

void metrics(server_app& app, const std::shared_ptr<request_context>& context) {
  app.reply_document(context, 200, app.render_metrics(), "text/plain; version=0.0.4; charset=utf-8",
                     {});
}

}  // namespace

void add_metrics_routes(router<route_entry>& routes) {
  routes.add("GET", "/metrics", route_entry{"GET /metrics", true, {}, 0, metrics});
}

}  // namespace ledger::api
