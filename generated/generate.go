// Package generated holds Go types produced by oapi-codegen from spec/bssopenapi.yaml. It is output
// only: never edit it by hand; `make generate` recreates it and CI fails when it drifts.
package generated

//go:generate go tool oapi-codegen -config cfg.yaml ../spec/bssopenapi.yaml
