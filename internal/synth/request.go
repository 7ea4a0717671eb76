package synth

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/bsskit/bsskit/spec"
)

// wireParams are the parameters of the wire layer (routing, format, signature): a client sets them.
var wireParams = map[string]bool{"Action": true, "Version": true, "Format": true}

// Request returns the business parameters of a minimal valid request for action: every required
// parameter, the first element of every required list (its required fields), and what a
// cross-field rule requires of the values chosen, each value true to its schema. Action, Version,
// Format and the signature's parameters are left to the client. The same seed gives the same
// request.
func Request(action string, seed uint64) (url.Values, error) {
	op, ok := spec.OperationFor(action)
	if !ok {
		return nil, fmt.Errorf("synth: the spec has no operation %q", action)
	}
	g := &gen{seed: seed ^ hash("request "+action)}
	out := url.Values{}
	set := func(name string, s *openapi3.Schema) error {
		v, err := g.wire(s, name)
		if err != nil {
			return fmt.Errorf("synth: %s parameter %s: %w", action, name, err)
		}
		out.Set(name, v)
		return nil
	}
	for _, p := range op.Params {
		if p.Required && p.In == "query" && p.Error != "" && !wireParams[p.Name] {
			if err := set(p.Name, p.Schema); err != nil {
				return nil, err
			}
		}
	}
	for _, r := range op.Repeated {
		if !r.Required {
			continue
		}
		prefix := r.Prefix + "." + strconv.Itoa(max(r.MinIndex, 1))
		if len(r.Fields) == 0 {
			if err := set(prefix, r.Items); err != nil {
				return nil, err
			}
			continue
		}
		for _, f := range r.Fields {
			if f.Required {
				if err := set(prefix+"."+f.Name, f.Schema); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, r := range op.Rules {
		if r.When == nil || r.Require == "" || out.Get(r.When.Param) != r.When.Equals || out.Get(r.Require) != "" {
			continue
		}
		p, ok := op.Param(r.Require)
		if !ok {
			return nil, fmt.Errorf("synth: %s rule %s requires %s, which is not a parameter", action, r.ID, r.Require)
		}
		if err := set(p.Name, p.Schema); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// wire is a value of schema s as a parameter's text on the wire.
func (g *gen) wire(s *openapi3.Schema, name string) (string, error) {
	if s == nil {
		return plausible(name, g.rng(name)), nil
	}
	v, err := g.value(s, name, 0)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return fmt.Sprint(v), nil
}
