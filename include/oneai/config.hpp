#pragma once
// ONEAI_API marks what a shared liboneai exports: the public classes and
// functions. The libraries are compiled with hidden visibility, so everything
// else (the internals of src/) stays out of their dynamic symbol tables.
// ONEAI_LOCAL keeps a nested implementation type (`struct ONEAI_LOCAL impl;`)
// hidden, which would otherwise be exported with its enclosing class. In a
// static build neither changes anything.

/// @def ONEAI_API
/// Marks a public class or function that a shared liboneai exports.
/// @def ONEAI_LOCAL
/// Keeps a nested implementation type hidden in a shared liboneai.

#if defined(__GNUC__) || defined(__clang__)
#define ONEAI_API __attribute__((visibility("default")))
#define ONEAI_LOCAL __attribute__((visibility("hidden")))
#else
#define ONEAI_API
#define ONEAI_LOCAL
#endif
