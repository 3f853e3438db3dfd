// Linked only into static builds (KG_STATIC_DEPS): kabsd-guard reads local
// repositories and never opens a network connection, yet libgit2 1.5 pays
// for its network transports on every start.
//
// - git_libgit2_init() parses the whole system CA bundle through mbedtls
//   (about 8 ms per run, which every hook would pay). The link wraps the two
//   mbedtls loaders (-Wl,--wrap) so that the trust store stays empty: a TLS
//   connection, were one ever made, fails verification instead of trusting.
// - libgit2's HTTP Negotiate (Kerberos) authentication needs GSSAPI, whose
//   shared library brings seven more (krb5, k5crypto, resolv, ...) into the
//   start of every run. These stand-ins make that mechanism unavailable:
//   every call reports GSS_S_FAILURE, which libgit2 reports as "no GSSAPI".
#include <cstdint>

extern "C" {

int __wrap_mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
int __wrap_mbedtls_x509_crt_parse_path(void* /*chain*/, const char* /*path*/) { return 0; }

using OM_uint32 = std::uint32_t;
constexpr OM_uint32 kGssFailure = 13u << 16;  // GSS_S_FAILURE

void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;

static OM_uint32 fail(OM_uint32* minor) {
  if (minor) *minor = 0;
  return kGssFailure;
}
static OM_uint32 done(OM_uint32* minor) {
  if (minor) *minor = 0;
  return 0;  // GSS_S_COMPLETE
}

OM_uint32 gss_indicate_mechs(OM_uint32* minor, void** /*mechs*/) { return fail(minor); }
OM_uint32 gss_import_name(OM_uint32* minor, void* /*buffer*/, void* /*type*/, void** /*name*/) { return fail(minor); }
OM_uint32 gss_init_sec_context(OM_uint32* minor, void*, void**, void*, void*, OM_uint32, OM_uint32, void*, void*,
                               void**, void*, OM_uint32*, OM_uint32*) {
  return fail(minor);
}
OM_uint32 gss_display_status(OM_uint32* minor, OM_uint32, int, void*, OM_uint32*, void*) { return fail(minor); }
OM_uint32 gss_delete_sec_context(OM_uint32* minor, void**, void*) { return done(minor); }
OM_uint32 gss_release_buffer(OM_uint32* minor, void*) { return done(minor); }
OM_uint32 gss_release_name(OM_uint32* minor, void**) { return done(minor); }
OM_uint32 gss_release_oid_set(OM_uint32* minor, void**) { return done(minor); }

}  // extern "C"
