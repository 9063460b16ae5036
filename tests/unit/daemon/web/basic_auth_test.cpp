#include "daemon/web/basic_auth.hpp"

#include <doctest/doctest.h>

#include "daemon/web/bcrypt.hpp"

namespace alembic_exporter::web {
namespace {

// Generated with Python's crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)).
constexpr auto alice_hash =
    "$2b$04$4WmS5TQ9deps..ROtA3oeeR0WOMugrENbD2Q55snCqY6eH3SsGCai";  // correct horse
constexpr auto bob_hash =
    "$2b$04$VTW0uK6fgcQyrL0EnpIH8uSoJV0QroZi.E7XpmRELY58o3Dc1Y6Nu";  // s3cret:with:colons
constexpr auto carol_hash =
    "$2b$04$OCjA2kEcuB6/L/IVUTJ78O4deeRIbNXk.rLHzACr8Ev85aCLP3fJK";  // empty

const std::map<std::string, std::string> users = {
    {"alice", alice_hash}, {"bob", bob_hash}, {"carol", carol_hash}};

}  // namespace

TEST_CASE("the right password of a configured user is allowed") {
  CHECK(basic_auth_allows(users, "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=="));      // alice:correct horse
  CHECK(basic_auth_allows(users, "basic   YWxpY2U6Y29ycmVjdCBob3JzZQ== "));   // scheme any case
  CHECK(basic_auth_allows(users, "Basic Ym9iOnMzY3JldDp3aXRoOmNvbG9ucw=="));  // ':' in password
  CHECK(basic_auth_allows(users, "Basic Y2Fyb2w6"));                          // carol:
}

TEST_CASE("htpasswd's $2y$ hashes verify like $2b$ ones") {
  std::string y_hash = alice_hash;
  y_hash.replace(0, 4, "$2y$");
  CHECK(basic_auth_allows({{"alice", y_hash}}, "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=="));
}

TEST_CASE("a wrong password, an unknown user or no users are refused") {
  CHECK_FALSE(basic_auth_allows(users, "Basic YWxpY2U6d3Jvbmc="));              // alice:wrong
  CHECK_FALSE(basic_auth_allows(users, "Basic bWFsbG9yeTpjb3JyZWN0IGhvcnNl"));  // mallory
  CHECK_FALSE(basic_auth_allows({}, "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=="));
}

TEST_CASE("malformed headers are refused") {
  CHECK_FALSE(basic_auth_allows(users, ""));
  CHECK_FALSE(basic_auth_allows(users, "Basic"));
  CHECK_FALSE(basic_auth_allows(users, "Basic "));
  CHECK_FALSE(basic_auth_allows(users, "Bearer YWxpY2U6Y29ycmVjdCBob3JzZQ=="));
  CHECK_FALSE(basic_auth_allows(users, "BasicYWxpY2U6Y29ycmVjdCBob3JzZQ=="));
  CHECK_FALSE(basic_auth_allows(users, "Basic YWxpY2U="));         // "alice": no colon
  CHECK_FALSE(basic_auth_allows(users, "Basic YWxpY2U6d3Jvbmc"));  // missing padding
  CHECK_FALSE(basic_auth_allows(users, "Basic ====YWxp"));
  CHECK_FALSE(basic_auth_allows(users, "Basic !!!!"));
  CHECK_FALSE(basic_auth_allows(users, std::string("Basic \0\0\0\0", 10)));
}

TEST_CASE("only verifiable bcrypt hashes count as bcrypt") {
  CHECK(is_bcrypt_hash(alice_hash));
  CHECK(is_bcrypt_hash(std::string("$2a$") + (alice_hash + 4)));
  CHECK_FALSE(is_bcrypt_hash("correct horse"));
  CHECK_FALSE(is_bcrypt_hash("$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0"));  // md5-crypt
  CHECK_FALSE(is_bcrypt_hash("$6$salt$hash"));                        // sha512-crypt
  CHECK_FALSE(is_bcrypt_hash("$2b$99$4WmS5TQ9deps..ROtA3oeeR0WOMugrENbD2Q55snCqY6eH3SsGCai"));
  CHECK_FALSE(is_bcrypt_hash("$2b$04$"));
}

TEST_CASE("bcrypt_matches compares the whole hash") {
  CHECK(bcrypt_matches("correct horse", alice_hash));
  CHECK_FALSE(bcrypt_matches("correct horse", bob_hash));
  CHECK_FALSE(bcrypt_matches(std::string("correct horse\0x", 15), alice_hash));
  CHECK_FALSE(bcrypt_matches("correct horse", "$2b$04$4WmS5TQ9deps..ROtA3oee"));
}

}  // namespace alembic_exporter::web
