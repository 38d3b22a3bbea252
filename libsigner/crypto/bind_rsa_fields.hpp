// The RSA fields of BIND's private-key format ("Private-key-format: v1.x")
// and the OpenSSL parameters they hold, in the order BIND writes them: read
// by PrivateKey::from_bind_private (keys.cpp), written by bind_private.cpp.
// Internal to the crypto layer (it names OpenSSL parameters).
#pragma once

#include <utility>

#include <openssl/core_names.h>

namespace zs::bind_format {

inline constexpr std::pair<const char*, const char*> rsa_fields[] = {
    {"Modulus", OSSL_PKEY_PARAM_RSA_N},
    {"PublicExponent", OSSL_PKEY_PARAM_RSA_E},
    {"PrivateExponent", OSSL_PKEY_PARAM_RSA_D},
    {"Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1},
    {"Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2},
    {"Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1},
    {"Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2},
    {"Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
};

}  // namespace zs::bind_format
