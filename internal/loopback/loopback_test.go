package loopback

import "testing"

func TestAddr(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"127.0.0.1:8080": true, "127.0.0.1:0": true, "127.1.2.3:80": true, "[::1]:8080": true,
		"localhost:8080": true, "LOCALHOST:1": true, "127.0.0.1": true, "::1": true, "[::1]": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "10.0.0.5:8080": false,
		"192.168.1.2:80": false, "example.com:80": false, "localhost.example.com:80": false,
		"staging-fake:8080": false, "": false, "::ffff:10.0.0.1": false,
	}
	for addr, want := range tests {
		t.Run(addr, func(t *testing.T) {
			t.Parallel()
			if got := Addr(addr); got != want {
				t.Errorf("Addr(%q) = %v, want %v", addr, got, want)
			}
		})
	}
}
