package fake_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bsskit/bsskit/fake"
)

// TestServeBlocks: Serve blocks like http.Server.Serve while it serves, returns
// http.ErrServerClosed after Close or Shutdown, and refuses to serve again.
func TestServeBlocks(t *testing.T) {
	t.Parallel()
	for _, stop := range []string{"Close", "Shutdown"} {
		t.Run(stop, func(t *testing.T) {
			t.Parallel()
			srv, err := fake.New(fake.WithSeed(1))
			require.NoError(t, err)
			l, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			served := make(chan error, 1)
			go func() { served <- srv.Serve(l) }()

			resp, err := http.Get("http://" + l.Addr().String() + "/__admin/health")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "http://"+l.Addr().String(), srv.URL())
			select {
			case err := <-served:
				t.Fatalf("Serve returned while serving: %v", err)
			default:
			}

			if stop == "Close" {
				srv.Close()
			} else {
				require.NoError(t, srv.Shutdown(t.Context()))
			}
			select {
			case err := <-served:
				assert.ErrorIs(t, err, http.ErrServerClosed)
			case <-time.After(5 * time.Second):
				t.Fatal("Serve did not return after " + stop)
			}

			l2, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			assert.ErrorIs(t, srv.Serve(l2), http.ErrServerClosed, "a closed server does not serve again")
			_, err = l2.Accept()
			assert.Error(t, err, "Serve closed the listener it refused")
			assert.ErrorIs(t, srv.Start(), http.ErrServerClosed)
		})
	}
}

// TestCloseConcurrent: a second Close made while the first waits for a request in flight waits
// too, as httptest.Server.Close does, and the request still gets its answer.
func TestCloseConcurrent(t *testing.T) {
	t.Parallel()
	srv, err := fake.New()
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	c, err := net.Dial("tcp", srv.Endpoint())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	body := "Logistics=%7B%7D"
	// The headers and half the body: the request is in flight, its handler reading the body.
	_, err = io.WriteString(c, rawRequest+"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "+
		strconv.Itoa(len(body))+"\r\n\r\n"+body[:5])
	require.NoError(t, err)
	eventually(t, func() bool { return srv.RequestCount() == 1 }, "the server did not take the request in")

	first, second := make(chan struct{}), make(chan struct{})
	go func() { defer close(first); srv.Close() }()
	// Wait until the first Close has stopped the listener, so the second one is truly second.
	eventually(t, func() bool {
		probe, err := net.Dial("tcp", srv.Endpoint())
		if err != nil {
			return true
		}
		probe.Close()
		return false
	}, "the first Close did not stop listening")
	go func() { defer close(second); srv.Close() }()
	select {
	case <-second:
		t.Fatal("the second Close returned while the first was waiting for a request in flight")
	case <-first:
		t.Fatal("the first Close returned with a request in flight")
	case <-time.After(100 * time.Millisecond): // neither may return in this window
	}

	_, err = io.WriteString(c, body[5:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	for name, ch := range map[string]chan struct{}{"first": first, "second": second} {
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatalf("the %s Close did not return once the request was answered", name)
		}
	}
}

// eventually polls cond until it holds, failing the test after 5 seconds.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		<-tick.C
	}
}

// TestJournalRequestFields: each entry carries the request's ProductCode and ClientToken, from the
// query or a form body, also for a call that failed and for a replay.
func TestJournalRequestFields(t *testing.T) {
	t.Parallel()
	type fields struct{ ProductCode, ClientToken, Code string }
	tests := []struct {
		name string
		send func(t *testing.T, srv *fake.Server)
		want []fields
	}{
		{"query", func(t *testing.T, srv *fake.Server) {
			call(t, srv, with(valid(), "ClientToken", "tok-1"))
		}, []fields{{"rtc", "tok-1", "Success"}}},
		{"form body", func(t *testing.T, srv *fake.Server) {
			do(t, srv, http.MethodPost, "/", "application/x-www-form-urlencoded", strings.NewReader(with(valid(), "ClientToken", "tok-2").Encode()))
		}, []fields{{"rtc", "tok-2", "Success"}}},
		{"retry with the same token", func(t *testing.T, srv *fake.Server) {
			call(t, srv, with(valid(), "ClientToken", "tok-3"))
			call(t, srv, with(valid(), "ClientToken", "tok-3"))
		}, []fields{{"rtc", "tok-3", "Success"}, {"rtc", "tok-3", "Success"}}},
		{"unknown product, no token", func(t *testing.T, srv *fake.Server) {
			call(t, srv, with(valid(), "ProductCode", "nope"))
		}, []fields{{"nope", "", "ProductNotFind"}}},
		{"missing product", func(t *testing.T, srv *fake.Server) {
			call(t, srv, with(valid(), "ProductCode", "", "ClientToken", "tok-4"))
		}, []fields{{"", "tok-4", "MissingParameter"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := fake.NewServer(t)
			tt.send(t, srv)
			var got []fields
			for _, e := range waitJournal(srv, len(tt.want)) {
				got = append(got, fields{e.ProductCode, e.ClientToken, e.Code})
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
