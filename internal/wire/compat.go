package wire

import "github.com/bsskit/bsskit/spec"

// Transitional names for the contract package, which another branch is moving to package spec
// (issue 11). They are aliases of spec's, so the content-type mapping still exists only there.
// Delete this file once nothing outside internal/wire uses them.

// Format is [spec.Format].
//
// Deprecated: use [spec.Format].
type Format = spec.Format

// The response formats.
//
// Deprecated: use [spec.FormatJSON] and [spec.FormatXML].
const (
	JSON = spec.FormatJSON
	XML  = spec.FormatXML
)

// ContentType returns f.ContentType().
//
// Deprecated: use [spec.Format.ContentType].
func ContentType(f spec.Format) string { return f.ContentType() }
