#include "core/hash.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <vector>

#include "core/error.hpp"

namespace casco {
namespace {
struct Sha {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  Sha() { EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr); }
  void update(const void* p, std::size_t n) { EVP_DigestUpdate(ctx.get(), p, n); }
  std::string hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 15];
    }
    return out;
  }
};
}  // namespace

struct Sha256::Impl {
  Sha sha;
};
Sha256::Sha256() : impl_(new Impl) {}
Sha256::~Sha256() {
  delete impl_;
}
void Sha256::update(const void* data, std::size_t bytes) {
  impl_->sha.update(data, bytes);
}
std::string Sha256::hex() {
  return impl_->sha.hex();
}

std::string sha256_hex(std::string_view data) {
  Sha sha;
  sha.update(data.data(), data.size());
  return sha.hex();
}

std::string sha256_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read '{}': check that the file exists and is readable", path.string());
  Sha sha;
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  return sha.hex();
}

}  // namespace casco
