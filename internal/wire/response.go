package wire

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bsskit/bsskit/generated"
	"github.com/bsskit/bsskit/spec"
)

// Recommend returns the troubleshooting link the gateway puts in an error's Recommend field.
func Recommend(code, requestID string) string {
	return "https://api.aliyun.com/troubleshoot?q=" + code + "&product=BssOpenApi&requestId=" + requestID
}

// AppendSuccess appends the body of s in format f to dst. It takes the type generated from the
// document's CreateInstanceResponse schema, so a field renamed or retyped in the spec breaks the
// build here; it writes the fields in the real service's order, Data always (the schema requires
// it; an HTTP 200 error is [AppendBodyFailure]), and allocates nothing beyond growing dst.
func AppendSuccess(dst []byte, f spec.Format, s *generated.CreateInstanceResponse) []byte {
	if f == spec.FormatXML {
		dst = append(dst, `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse><RequestId>`...)
		dst = appendXMLText(dst, s.RequestId)
		dst = append(dst, "</RequestId><Success>"...)
		dst = strconv.AppendBool(dst, s.Success)
		dst = append(dst, "</Success><Code>"...)
		dst = appendXMLText(dst, s.Code)
		dst = append(dst, "</Code><Message>"...)
		dst = appendXMLText(dst, s.Message)
		dst = append(dst, "</Message><Data><OrderId>"...)
		dst = appendXMLText(dst, s.Data.OrderId)
		dst = append(dst, "</OrderId><InstanceId>"...)
		dst = appendXMLText(dst, s.Data.InstanceId)
		return append(dst, "</InstanceId></Data></CreateInstanceResponse>"...)
	}
	dst = append(dst, `{"RequestId":`...)
	dst = appendJSONString(dst, s.RequestId)
	dst = append(dst, `,"Success":`...)
	dst = strconv.AppendBool(dst, s.Success)
	dst = append(dst, `,"Code":`...)
	dst = appendJSONString(dst, s.Code)
	dst = append(dst, `,"Message":`...)
	dst = appendJSONString(dst, s.Message)
	dst = append(dst, `,"Data":{"OrderId":`...)
	dst = appendJSONString(dst, s.Data.OrderId)
	dst = append(dst, `,"InstanceId":`...)
	dst = appendJSONString(dst, s.Data.InstanceId)
	return append(dst, "}}"...)
}

// AppendBodyFailure appends the body-channel error e (HTTP 200, Success false) in format f to dst.
// It takes the type generated from the document's BusinessErrorResponse schema. The fields come in
// the order of the captured answers; the XML root is <CreateInstanceResponse>, like every HTTP 200
// answer, and Recommend is a CDATA section as in gateway errors.
func AppendBodyFailure(dst []byte, f spec.Format, e *generated.BusinessErrorResponse) []byte {
	if f == spec.FormatXML {
		dst = append(dst, `<?xml version="1.0" encoding="UTF-8"?><CreateInstanceResponse>`...)
		dst = appendErrorFields(dst, f, e.RequestId, e.HostId, e.Code, e.Message, e.Recommend)
		dst = append(dst, "<Success>"...)
		dst = strconv.AppendBool(dst, e.Success)
		return append(dst, "</Success></CreateInstanceResponse>"...)
	}
	dst = append(dst, '{')
	dst = appendErrorFields(dst, f, e.RequestId, e.HostId, e.Code, e.Message, e.Recommend)
	dst = append(dst, `,"Success":`...)
	dst = strconv.AppendBool(dst, e.Success)
	return append(dst, '}')
}

// AppendFailure appends the error body e in format f to dst. It takes the type generated from the
// document's ErrorResponse schema (all five fields required strings), so a change there breaks the
// build here. The XML root is <Error>; Recommend is a CDATA section, as the real gateway writes it.
func AppendFailure(dst []byte, f spec.Format, e *generated.ErrorResponse) []byte {
	if f == spec.FormatXML {
		dst = append(dst, `<?xml version="1.0" encoding="UTF-8"?><Error>`...)
		dst = appendErrorFields(dst, f, e.RequestId, e.HostId, e.Code, e.Message, e.Recommend)
		return append(dst, "</Error>"...)
	}
	dst = append(dst, '{')
	dst = appendErrorFields(dst, f, e.RequestId, e.HostId, e.Code, e.Message, e.Recommend)
	return append(dst, '}')
}

// appendErrorFields appends the gateway error's five fields, in the gateway's order, inside a root
// the caller opens and closes: XML elements (Recommend a CDATA section), or JSON members without
// the braces. Both error bodies (HTTP error and body channel) share them.
func appendErrorFields(dst []byte, f spec.Format, requestID, hostID, code, message, recommend string) []byte {
	if f == spec.FormatXML {
		dst = append(dst, "<RequestId>"...)
		dst = appendXMLText(dst, requestID)
		dst = append(dst, "</RequestId><HostId>"...)
		dst = appendXMLText(dst, hostID)
		dst = append(dst, "</HostId><Code>"...)
		dst = appendXMLText(dst, code)
		dst = append(dst, "</Code><Message>"...)
		dst = appendXMLText(dst, message)
		dst = append(dst, "</Message><Recommend>"...)
		dst = appendCDATA(dst, recommend)
		return append(dst, "</Recommend>"...)
	}
	dst = append(dst, `"RequestId":`...)
	dst = appendJSONString(dst, requestID)
	dst = append(dst, `,"HostId":`...)
	dst = appendJSONString(dst, hostID)
	dst = append(dst, `,"Code":`...)
	dst = appendJSONString(dst, code)
	dst = append(dst, `,"Message":`...)
	dst = appendJSONString(dst, message)
	dst = append(dst, `,"Recommend":`...)
	return appendJSONString(dst, recommend)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string, escaping only what JSON requires (the real service
// writes "&" as is). Invalid UTF-8 becomes U+FFFD, so the body is always valid JSON.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendXMLText appends s escaped as XML character data, as encoding/xml's EscapeText does (a
// carriage return as a character reference, so it survives line-end normalisation). Characters XML
// 1.0 forbids (most control characters, invalid UTF-8) become U+FFFD so the document always parses.
func appendXMLText(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			var esc string
			switch {
			case c == '<':
				esc = "&lt;"
			case c == '>':
				esc = "&gt;"
			case c == '&':
				esc = "&amp;"
			case c == '"':
				esc = "&#34;"
			case c == '\'':
				esc = "&#39;"
			case c == '\r':
				esc = "&#xD;" // a raw CR would reach the reader as LF (XML line-end normalisation)
			case c < 0x20 && c != '\t' && c != '\n':
				esc = "\uFFFD"
			default:
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, esc...)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || r == 0xFFFE || r == 0xFFFF {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\uFFFD"...)
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

// appendCDATA appends s as a CDATA section, as the real gateway writes Recommend. A "]]>" inside s
// is split across two sections; characters XML forbids become U+FFFD.
func appendCDATA(dst []byte, s string) []byte {
	dst = append(dst, "<![CDATA["...)
	for {
		i := strings.Index(s, "]]>")
		if i < 0 {
			break
		}
		dst = appendXMLChars(dst, s[:i+2])
		dst = append(dst, "]]><![CDATA["...)
		s = s[i+2:]
	}
	dst = appendXMLChars(dst, s)
	return append(dst, "]]>"...)
}

// appendXMLChars appends s unescaped but with the characters XML 1.0 forbids replaced by U+FFFD.
func appendXMLChars(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}
