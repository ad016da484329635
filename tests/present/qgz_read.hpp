#pragma once
// Test helpers for QGIS projects: the .qgs inside a .qgz, parsed with GDAL's XML reader.
#include <cpl_minixml.h>
#include <cpl_string.h>
#include <zip.h>

#include <filesystem>
#include <string>
#include <vector>

namespace casco::test {

// The one file inside a .qgz.
inline std::string unzip_qgs(const std::filesystem::path& qgz, std::string* name) {
  int err = 0;
  zip_t* z = zip_open(qgz.c_str(), ZIP_RDONLY, &err);
  if (!z) return {};
  std::string out;
  if (zip_get_num_entries(z, 0) == 1) {
    *name = zip_get_name(z, 0, 0);
    zip_stat_t st;
    zip_stat_index(z, 0, 0, &st);
    out.resize(st.size);
    zip_file_t* f = zip_fopen_index(z, 0, 0);
    zip_fread(f, out.data(), st.size);
    zip_fclose(f);
  }
  zip_close(z);
  return out;
}

struct Xml {
  CPLXMLNode* root = nullptr;
  explicit Xml(const std::string& text) : root(CPLParseXMLString(text.c_str())) {}
  ~Xml() { CPLDestroyXMLNode(root); }
};

inline std::vector<const CPLXMLNode*> children(const CPLXMLNode* n, const char* name) {
  std::vector<const CPLXMLNode*> out;
  for (const CPLXMLNode* c = n ? n->psChild : nullptr; c; c = c->psNext)
    if (c->eType == CXT_Element && EQUAL(c->pszValue, name)) out.push_back(c);
  return out;
}

}  // namespace casco::test
