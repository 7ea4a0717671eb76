package fake

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// proxy502Body is what a Tengine load balancer in front of an Alibaba Cloud service answers when
// its upstream fails.
const proxy502Body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>Tengine</center>\r\n</body>\r\n</html>\r\n"

// Defaults of FaultSlowBody.
const (
	defaultChunkBytes = 16
	defaultChunkDelay = 100 * time.Millisecond
)

// applyFault sends o.Fault. Faults that mangle the real answer find it in ex.status, ex.body and
// ex.w.Header() (commitCaptured ran); the others ignore it.
func (s *Server) applyFault(ex *exchange, o *Outcome) {
	ex.entry.Fault = string(o.Fault)
	switch o.Fault {
	case FaultHang:
		ex.status, ex.code = 0, ""
		ex.record()
		select {
		case <-ex.r.Context().Done():
		case <-s.closing:
		}
		ex.closeConn(false)
	case FaultReset:
		ex.status, ex.code = 0, ""
		ex.record()
		ex.closeConn(true)
	case FaultEmpty:
		ex.status, ex.code = 0, ""
		ex.record()
		ex.closeConn(false)
	case FaultEmptyBody:
		ex.sendRaw(http.StatusOK, ex.req.Format.ContentType(), nil)
	case FaultProxy502:
		ex.sendRaw(http.StatusBadGateway, "text/html", []byte(proxy502Body))
	case FaultTruncate:
		ex.truncate()
	case FaultMalformed:
		ex.malformed()
	case FaultSlowBody:
		s.slowBody(ex, o)
	}
}

// closeConn takes the connection from net/http and closes it without answering; reset sends a TCP
// RST instead of a FIN. Without a hijackable connection (HTTP/2, a recorder) nothing is sent.
func (ex *exchange) closeConn(reset bool) {
	conn, ok := ex.hijack()
	if !ok {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func (ex *exchange) hijack() (net.Conn, bool) {
	conn, _, err := http.NewResponseController(ex.w).Hijack()
	if err != nil {
		ex.s.log.Debug("fault: cannot take the connection", "err", err)
		return nil, false
	}
	return conn, true
}

// sendRaw answers status with body under contentType: a response that is not the service's own.
func (ex *exchange) sendRaw(status int, contentType string, body []byte) {
	ex.written = false
	h := ex.w.Header()
	for k := range h {
		delete(h, k)
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	ex.status, ex.code, ex.body = status, "", append([]byte(nil), body...)
	ex.written = true
	ex.record()
	ex.w.WriteHeader(status)
	_, _ = ex.w.Write(body)
}

// truncate sends the real answer's status line and headers (its full Content-Length) and half of
// its body, then closes the connection.
func (ex *exchange) truncate() {
	ex.record()
	conn, ok := ex.hijack()
	if !ok {
		return
	}
	defer conn.Close()
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", ex.status, http.StatusText(ex.status))
	h := ex.w.Header().Clone()
	h.Set("Content-Length", strconv.Itoa(len(ex.body)))
	h.Set("Connection", "close")
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(ex.body[:len(ex.body)/2])
	_ = conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, _ = conn.Write(b.Bytes())
}

// malformed answers the real status and headers with the first half of the real body as a
// complete response.
func (ex *exchange) malformed() {
	half := ex.body[:len(ex.body)/2]
	ex.record()
	ex.w.Header().Set("Content-Length", strconv.Itoa(len(half)))
	ex.w.WriteHeader(ex.status)
	_, _ = ex.w.Write(half)
}

// slowBody sends the real answer in chunks with a delay before each chunk after the first. If the
// client gives up or the server closes, the rest is not sent.
func (s *Server) slowBody(ex *exchange, o *Outcome) {
	size, delay := o.ChunkBytes, o.ChunkDelay
	if size <= 0 {
		size = defaultChunkBytes
	}
	if delay <= 0 {
		delay = defaultChunkDelay
	}
	rc := http.NewResponseController(ex.w)
	ex.record()
	ex.w.WriteHeader(ex.status)
	body := ex.body
	for i := 0; i < len(body); i += size {
		if i > 0 && !s.pause(ex.r.Context(), delay) {
			return
		}
		_, _ = ex.w.Write(body[i:min(i+size, len(body))])
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
