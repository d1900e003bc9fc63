// http_load: drives a running `posledger serve` over HTTP the way tills do, and checks the
// books afterwards. N virtual clients, each a cashier of its own with one keep-alive
// connection, for a bounded time, loopback only.
//
//   http_load --port 3001 --workload checkout --clients 32 --seconds 20 [--rate 1000]
//
// Closed loop by default: each client starts its next sale when the last one is answered.
// With --rate R, open loop: operations (a sale, or in the mixed and reads workloads a read)
// are due at a fixed schedule of R per second, whoever is busy; a free client takes the next
// due one and waits for its time. Each operation is also timed from when it was due (type
// "sale@due" / "op@due"), so a server that falls behind shows it in latency, not in a lower
// offered load (no coordinated omission, as long as --clients is large enough to keep up).
//
// Workloads:
//   checkout  what a reference client does per sale: POST /api/pos/cart/add x 3, then
//             POST /api/pos/checkout paying the cart's grand total in cash;
//   native    one POST /api/v1/commands carrying a 3-line sale with its tender;
//   hot       checkout, every client buying from the same 5 products of the branch, kept
//             scarce and restocked every 100 ms: "Insufficient stock" answers are genuine
//             and counted apart, anything else failing is an error;
//   mixed     80 % reads (product search, cart, stock, dashboard, daily sales report: the
//             last three as the branch manager) and 20 % checkout sales;
//   reads     the mixed workload's reads alone (nothing is written during the run).
// Set-up (before the clock starts): the admin creates the N cashiers at the branch, the
// branch manager stocks every product up (hot: 2,000 of each hot product) so the run measures
// selling, not running out.
// The server must allow the load: start it with RATE_LIMIT_PER_MIN and
// RATE_LIMIT_LOGIN_PER_MIN raised (every client comes from 127.0.0.1).
//
// Prints sales/s and requests/s, latency p50/p99/p99.9 per request type (milliseconds), the
// out-of-stock answers, the errors by status, then the books: the stock that left the branch
// (counting what was restocked during the run) equals the units sold, no
// stock is negative, every invoice number is unique. Exit 1 when the books do not balance.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct options {
  unsigned short port = 3001;
  std::string workload = "checkout";
  int clients = 8;
  int seconds = 10;
  double rate = 0;  // operations per second (open loop); 0: closed loop
  std::string branch_code = "BR-001";
};

struct reply {
  unsigned status = 0;
  std::string body;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "http_load: %s\n", what.c_str());
  std::exit(2);
}

// One keep-alive connection to 127.0.0.1 (the generator never targets another host).
class connection {
 public:
  explicit connection(unsigned short port) : port_(port) { open(); }

  reply send(http::verb method, const std::string& target, const std::string& body,
             const std::string& token) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      http::request<http::string_body> request{method, target, 11};
      request.set(http::field::host, "127.0.0.1");
      if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
      if (!body.empty()) request.set(http::field::content_type, "application/json");
      request.body() = body;
      request.prepare_payload();
      beast::error_code ec;
      http::write(stream_, request, ec);
      http::response<http::string_body> response;
      if (!ec) http::read(stream_, buffer_, response, ec);
      if (!ec) {
        if (!response.keep_alive()) open();
        return {response.result_int(), std::move(response.body())};
      }
      open();  // the server closed the connection: once more on a fresh one
    }
    return {0, {}};
  }

 private:
  void open() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    beast::error_code ec;
    stream_.connect(tcp::endpoint(net::ip::address_v4::loopback(), port_), ec);
    if (ec) fail(fmt::format("cannot connect to 127.0.0.1:{}: {}", port_, ec.message()));
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }

  unsigned short port_;
  net::io_context io_;
  beast::tcp_stream stream_{io_};
  beast::flat_buffer buffer_;
};


std::string must(const reply& r, unsigned status, const std::string& what) {
  if (r.status != status) fail(fmt::format("{}: {} {}", what, r.status, r.body.substr(0, 300)));
  return r.body;
}

std::string log_in(connection& c, const std::string& email, const std::string& password) {
  const std::string body = must(
      c.send(http::verb::post, "/api/auth/login",
             fmt::format(R"({{"email":"{}","password":"{}"}})", email, password), {}),
      200, "login " + email);
  simdjson::dom::parser parser;
  return std::string(parser.parse(body)["accessToken"].get_string().value());
}

struct product {
  std::string id;
  std::int64_t stock_before = 0;
};

// Latencies of one request type, in microseconds.
struct samples {
  std::vector<std::int64_t> us;
  void merge(const samples& other) { us.insert(us.end(), other.us.begin(), other.us.end()); }
  [[nodiscard]] double percentile_ms(double p) {
    if (us.empty()) return 0;
    std::sort(us.begin(), us.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(us.size() - 1));
    return static_cast<double>(us[at]) / 1000.0;
  }
};

struct client_result {
  std::map<std::string, samples> latency;  // by request type
  std::map<unsigned, std::uint64_t> errors;
  std::vector<std::string> invoices;
  std::int64_t units = 0;
  std::uint64_t requests = 0;
  std::uint64_t out_of_stock = 0;  // 400 "Insufficient stock...": a genuine answer, not an error
};

// A genuine out-of-stock answer (the hot-SKU workload expects some): not an error.
bool out_of_stock(const reply& r) {
  return r.status == 400 && r.body.find("Insufficient stock") != std::string::npos;
}

// Sends and times one request; a non-2xx answer other than out-of-stock is counted as an error
// by status.
reply timed(connection& c, client_result& result, const std::string& type, http::verb method,
            const std::string& target, const std::string& body, const std::string& token) {
  const auto start = clock_type::now();
  reply r = c.send(method, target, body, token);
  result.latency[type].us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                                        clock_type::now() - start)
                                        .count());
  ++result.requests;
  if (out_of_stock(r)) {
    ++result.out_of_stock;
  } else if (r.status < 200 || r.status >= 300) {
    ++result.errors[r.status];
  }
  return r;
}

// Units of a sale as the ledger recorded it (a cart may hold lines of an earlier, failed try).
std::int64_t units_of(simdjson::dom::element sale) {
  std::int64_t units = 0;
  for (const auto item : sale["items"].get_array()) units += item["quantity"].get_int64().value();
  return units;
}

struct client_context {
  const options& opt;
  std::string token;          // the client's own cashier
  const std::string& manager; // reads the cashier may not make (stock, dashboard, report)
  int index = 0;
  clock_type::time_point started{};
  std::atomic<std::uint64_t>* next_due = nullptr;  // open loop: the shared schedule's cursor
};

// 3 distinct products with quantities 1..3.
std::vector<std::pair<std::string, int>> pick_lines(const std::vector<product>& products,
                                                    std::mt19937_64& random) {
  std::vector<std::size_t> picks(products.size());
  for (std::size_t i = 0; i < picks.size(); ++i) picks[i] = i;
  std::shuffle(picks.begin(), picks.end(), random);
  std::vector<std::pair<std::string, int>> chosen;
  for (std::size_t line = 0; line < 3; ++line) {
    chosen.emplace_back(products[picks[line]].id, 1 + static_cast<int>(random() % 3));
  }
  return chosen;
}

// The reference client's sale: cart/add per line, then checkout paying the grand total.
void contract_sale(connection& c, client_result& result, const std::string& token,
                   const std::vector<std::pair<std::string, int>>& lines,
                   simdjson::dom::parser& parser) {
  double grand_total = 0;
  for (const auto& [id, quantity] : lines) {
    const reply r = timed(c, result, "cart/add", http::verb::post, "/api/pos/cart/add",
                          fmt::format(R"({{"productId":"{}","quantity":{}}})", id, quantity), token);
    if (r.status != 201) return;
    grand_total = parser.parse(r.body)["summary"]["grandTotal"].get_double().value();
  }
  const reply sold = timed(c, result, "checkout", http::verb::post, "/api/pos/checkout",
                           fmt::format(R"({{"payments":[{{"method":"CASH","amount":{}}}]}})", grand_total),
                           token);
  if (sold.status != 201) return;
  const simdjson::dom::element sale = parser.parse(sold.body).value();
  result.invoices.emplace_back(sale["invoiceNo"].get_string().value());
  result.units += units_of(sale);
}

// One /api/v1/commands sale. Cash may over-pay (the ledger gives change), so the client need
// not price the sale.
void native_sale(connection& c, client_result& result, const client_context& who,
                 std::uint64_t sequence, const std::vector<std::pair<std::string, int>>& lines,
                 simdjson::dom::parser& parser) {
  std::string items;
  for (const auto& [id, quantity] : lines) {
    if (!items.empty()) items += ',';
    items += fmt::format(R"({{"productId":"{}","quantity":{}}})", id, quantity);
  }
  const reply sold = timed(
      c, result, "commands", http::verb::post, "/api/v1/commands",
      fmt::format(R"({{"commands":[{{"commandId":"load-{}-{}","type":"sale","lines":[{}],)"
                  R"("payments":[{{"method":"CASH","amount":100000000}}]}}]}})",
                  who.index, sequence, items),
      who.token);
  if (sold.status != 200) return;
  const simdjson::dom::element first = parser.parse(sold.body)["results"].at(0).value();
  if (first["statusCode"].get_int64().value() != 201) {
    ++result.errors[static_cast<unsigned>(first["statusCode"].get_int64().value())];
    return;
  }
  result.invoices.emplace_back(first["result"]["invoiceNo"].get_string().value());
  result.units += units_of(first["result"]);
}

// One of the mixed workload's reads, each what a screen of the POS or the back office asks.
void mixed_read(connection& c, client_result& result, const client_context& who,
                std::mt19937_64& random) {
  switch (random() % 5) {
    case 0:
      timed(c, result, "search", http::verb::get, "/api/products/search?name=a&limit=20", {}, who.token);
      break;
    case 1:
      timed(c, result, "cart", http::verb::get, "/api/pos/cart", {}, who.token);
      break;
    case 2:
      timed(c, result, "stock", http::verb::get, "/api/inventory/stock", {}, who.manager);
      break;
    case 3:
      timed(c, result, "dashboard", http::verb::get, "/api/dashboard", {}, who.manager);
      break;
    default:
      timed(c, result, "report", http::verb::get, "/api/reports/daily-sales", {}, who.manager);
      break;
  }
}

// One virtual client: works until the deadline.
client_result run_client(const client_context& who, const std::vector<product>& products,
                         clock_type::time_point deadline) {
  connection c(who.opt.port);
  client_result result;
  std::mt19937_64 random(static_cast<std::uint64_t>(who.index) * 7919 + 17);
  simdjson::dom::parser parser;
  std::uint64_t sequence = 0;
  const std::string& workload = who.opt.workload;
  const bool open_loop = who.opt.rate > 0;
  const char* const due_type = workload == "mixed" || workload == "reads" ? "op@due" : "sale@due";
  for (;;) {
    clock_type::time_point due = clock_type::now();
    if (open_loop) {
      const std::uint64_t ticket = who.next_due->fetch_add(1);
      due = who.started + std::chrono::duration_cast<clock_type::duration>(
                              std::chrono::duration<double>(static_cast<double>(ticket) / who.opt.rate));
      if (due >= deadline) break;
      std::this_thread::sleep_until(due);
    } else if (due >= deadline) {
      break;
    }
    if (workload == "reads" || (workload == "mixed" && random() % 5 != 0)) {
      mixed_read(c, result, who, random);
    } else if (workload == "native") {
      native_sale(c, result, who, ++sequence, pick_lines(products, random), parser);
    } else {  // checkout, hot, and the sales of mixed
      contract_sale(c, result, who.token, pick_lines(products, random), parser);
    }
    if (open_loop) {
      result.latency[due_type].us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - due).count());
    }
  }
  return result;
}

// The stock of every product at the caller's branch.
std::map<std::string, std::int64_t> stock_of(connection& c, const std::string& token) {
  const std::string body = must(c.send(http::verb::get, "/api/inventory/stock", {}, token), 200,
                                "stock");
  simdjson::dom::parser parser;
  std::map<std::string, std::int64_t> stock;
  for (const auto row : parser.parse(body).get_array()) {
    stock[std::string(row["productId"].get_string().value())] = row["quantity"].get_int64().value();
  }
  return stock;
}

options parse_options(int argc, char** argv) {
  options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--port") {
      opt.port = static_cast<unsigned short>(std::stoi(value));
    } else if (flag == "--workload") {
      opt.workload = value;
    } else if (flag == "--clients") {
      opt.clients = std::stoi(value);
    } else if (flag == "--seconds") {
      opt.seconds = std::stoi(value);
    } else if (flag == "--rate") {
      opt.rate = std::stod(value);
    } else if (flag == "--branch") {
      opt.branch_code = value;
    } else {
      fail("unknown flag " + flag);
    }
  }
  if (opt.workload != "checkout" && opt.workload != "native" && opt.workload != "hot" &&
      opt.workload != "mixed" && opt.workload != "reads") {
    fail("--workload checkout|native|hot|mixed|reads");
  }
  if (opt.clients < 1 || opt.seconds < 1 || opt.seconds > 3600) fail("--clients >= 1, --seconds 1..3600");
  if (opt.rate < 0 || opt.rate > 1e6) fail("--rate 0..1000000 operations/s (0: closed loop)");
  return opt;
}

}  // namespace

int main(int argc, char** argv) {
  const options opt = parse_options(argc, argv);
  connection setup(opt.port);
  const std::string admin = log_in(setup, "admin@pos.com", "password123");
  const std::string manager = log_in(setup, "manager@pos.com", "password123");  // BR-001

  simdjson::dom::parser parser;
  std::string branch_id;
  for (const auto branch :
       parser.parse(must(setup.send(http::verb::get, "/api/branches", {}, admin), 200, "branches"))
           .get_array()) {
    if (branch["code"].get_string().value() == opt.branch_code) {
      branch_id = std::string(branch["id"].get_string().value());
    }
  }
  if (branch_id.empty()) fail("no branch " + opt.branch_code);

  std::vector<product> products;
  for (const auto item :
       parser.parse(must(setup.send(http::verb::get, "/api/products/search?isActive=true&limit=100", {}, admin),
                         200, "products"))["data"]
           .get_array()) {
    products.push_back({std::string(item["id"].get_string().value()), 0});
  }
  if (products.size() < 5) fail("fewer than 5 active products");
  // Hot SKUs: everyone buys from the same 5 products, kept in short supply and restocked
  // during the run; otherwise every product is stocked up so nothing runs out.
  const bool hot = opt.workload == "hot";
  if (hot) products.resize(5);
  const auto stock_in = [&](connection& c, const product& p, int quantity) {
    must(c.send(http::verb::post, "/api/inventory/stock-in",
                fmt::format(R"({{"productId":"{}","quantity":{},"reference":"http_load"}})", p.id,
                            quantity),
                manager),
         201, "stock-in");
  };
  for (const auto& p : products) stock_in(setup, p, hot ? 2000 : 100000);

  // One cashier per virtual client (a cashier has one cart).
  const auto run_id = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  std::vector<std::string> tokens;
  for (int i = 0; i < opt.clients; ++i) {
    const std::string email = fmt::format("load-{}-{}@pos.com", run_id, i);
    must(setup.send(http::verb::post, "/api/users",
                    fmt::format(R"({{"email":"{}","password":"password123","fullName":"Load {}",)"
                                R"("role":"CASHIER","branchId":"{}"}})",
                                email, i, branch_id),
                    admin),
         201, "create cashier");
    tokens.push_back(log_in(setup, email, "password123"));
  }
  const auto before = stock_of(setup, manager);

  const auto started = clock_type::now();
  const auto deadline = started + std::chrono::seconds(opt.seconds);
  std::vector<client_result> results(static_cast<std::size_t>(opt.clients));
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> next_due{0};
  for (int i = 0; i < opt.clients; ++i) {
    threads.emplace_back([&, i] {
      const client_context who{opt, tokens[static_cast<std::size_t>(i)], manager, i, started,
                               &next_due};
      results[static_cast<std::size_t>(i)] = run_client(who, products, deadline);
    });
  }
  // The restocker of the hot workload: 500 units of each hot product every 100 ms.
  std::int64_t restocked = 0;
  if (hot) {
    connection restock(opt.port);
    while (clock_type::now() < deadline) {
      for (const auto& p : products) stock_in(restock, p, 500);
      restocked += 500 * static_cast<std::int64_t>(products.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  for (auto& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(clock_type::now() - started).count();

  client_result total;
  for (const auto& r : results) {
    for (const auto& [type, s] : r.latency) total.latency[type].merge(s);
    for (const auto& [status, n] : r.errors) total.errors[status] += n;
    total.invoices.insert(total.invoices.end(), r.invoices.begin(), r.invoices.end());
    total.units += r.units;
    total.requests += r.requests;
    total.out_of_stock += r.out_of_stock;
  }
  std::printf("workload %s, %d clients, %.1f s, %s\n", opt.workload.c_str(), opt.clients, elapsed,
              opt.rate > 0 ? fmt::format("open loop at {:.0f} operations/s offered", opt.rate).c_str()
                           : "closed loop");
  std::printf("sales: %zu (%.1f sales/s), requests: %llu (%.1f requests/s)\n",
              total.invoices.size(), static_cast<double>(total.invoices.size()) / elapsed,
              static_cast<unsigned long long>(total.requests),
              static_cast<double>(total.requests) / elapsed);
  for (auto& [type, s] : total.latency) {
    std::printf("  %-10s n=%zu p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms\n", type.c_str(),
                s.us.size(), s.percentile_ms(0.50), s.percentile_ms(0.99), s.percentile_ms(0.999));
  }
  std::printf("out-of-stock answers: %llu\n", static_cast<unsigned long long>(total.out_of_stock));
  std::printf("errors by status:");
  if (total.errors.empty()) std::printf(" none");
  for (const auto& [status, n] : total.errors) {
    std::printf(" %u x %llu", status, static_cast<unsigned long long>(n));
  }
  std::printf("\n");

  // The books.
  const auto after = stock_of(setup, manager);
  std::int64_t moved = restocked;  // what came in during the run left again or is still there
  bool negative = false;
  for (const auto& p : products) {
    moved += before.at(p.id) - after.at(p.id);
    negative |= after.at(p.id) < 0;
  }
  const std::set<std::string> unique(total.invoices.begin(), total.invoices.end());
  const bool balanced = moved == total.units && !negative && unique.size() == total.invoices.size();
  std::printf("books: stock moved %lld, units sold %lld, negative stock %s, invoices unique %s: %s\n",
              static_cast<long long>(moved), static_cast<long long>(total.units),
              negative ? "YES" : "no", unique.size() == total.invoices.size() ? "yes" : "NO",
              balanced ? "OK" : "FAILED");
  return balanced ? 0 : 1;
}
