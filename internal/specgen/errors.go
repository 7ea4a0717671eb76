package specgen

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Code is one cleaned error code of one API.
type Code struct {
	// Code is the code with surrounding blanks removed.
	Code string
	// Status is the HTTP status bsskit serves it with: 200 on the body channel.
	Status int
	// Body says the code is answered on the body channel (HTTP 200, Success false).
	Body bool
	// Message is the metadata's message for it, blanks trimmed.
	Message string
	// Notes say what cleaning changed, for the entry's source.
	Notes []string
}

// Dropped is a listed code the cleaning removed, and why.
type Dropped struct {
	API, Code, Why string
}

// CleanErrors cleans an API's error list: codes lose surrounding blanks (tabs, spaces), a code
// that is only an HTTP status ("400") is dropped, codes listed under statuses the service does not
// answer business errors with are moved (401 and 402 to 400; 405, for the order and commodity
// codes that are answered on the body channel, to 200), and a code listed twice keeps one status.
// The result is sorted by code.
func CleanErrors(a *API) ([]Code, []Dropped) {
	byCode := map[string]*Code{}
	var dropped []Dropped
	statuses := make([]string, 0, len(a.Errors))
	for s := range a.Errors {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	for _, listed := range statuses {
		for _, e := range a.Errors[listed] {
			code := strings.TrimSpace(e.Code)
			var notes []string
			if code != e.Code {
				notes = append(notes, fmt.Sprintf("the metadata writes the code %q (blanks removed)", e.Code))
			}
			if code == "" {
				dropped = append(dropped, Dropped{a.Name, e.Code, "an empty code"})
				continue
			}
			if _, err := strconv.Atoi(code); err == nil && len(code) == 3 && code[0] >= '1' && code[0] <= '5' && code == listed {
				dropped = append(dropped, Dropped{a.Name, code, "an HTTP status listed as a code"})
				continue
			}
			if !codeChars(code) {
				dropped = append(dropped, Dropped{a.Name, code, "not a code: characters outside letters, digits and . _ -"})
				continue
			}
			status, err := strconv.Atoi(listed)
			body := false
			switch {
			case err != nil || status < 200 || status > 599:
				notes = append(notes, fmt.Sprintf("listed under %q, served as HTTP 400", listed))
				status = 400
			case status == 200:
				body = true
			case status == 401 || status == 402:
				notes = append(notes, fmt.Sprintf("listed under HTTP %d, which BSS does not answer business codes with; served as HTTP 400", status))
				status = 400
			case status == 405:
				if bodyChannelCode(code) {
					notes = append(notes, "listed under HTTP 405; an order or commodity code, served on the body channel (HTTP 200, Success false) like its captured siblings")
					status, body = 200, true
				} else {
					notes = append(notes, "listed under HTTP 405, served as HTTP 400")
					status = 400
				}
			case status >= 500:
				status = 500
			case status != 400 && status != 403 && status != 404:
				notes = append(notes, fmt.Sprintf("listed under HTTP %d, served as HTTP 400", status))
				status = 400
			}
			c := &Code{Code: code, Status: status, Body: body, Message: strings.TrimSpace(e.Message), Notes: notes}
			if prev, ok := byCode[code]; ok {
				if prev.Status != c.Status {
					// Keep the client error: a code listed as both 4xx and 5xx is the caller's to fix.
					keep, other := prev, c
					if c.Status < prev.Status {
						keep, other = c, prev
					}
					keep.Notes = append(keep.Notes, fmt.Sprintf("also listed under HTTP %d", other.Status))
					byCode[code] = keep
				}
				continue
			}
			byCode[code] = c
		}
	}
	out := make([]Code, 0, len(byCode))
	for _, c := range byCode {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, dropped
}

// bodyChannelCode says whether a code is of the order and commodity families (upper case, dotted,
// such as COMMODITY.INVALID_COMPONENT), which the service answers with HTTP 200 and Success false.
func bodyChannelCode(code string) bool {
	return strings.Contains(code, ".") && strings.ToUpper(code) == code
}

func codeChars(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}
