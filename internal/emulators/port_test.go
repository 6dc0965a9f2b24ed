package emulators

import (
	"errors"
	"testing"
)

func TestPortTaken(t *testing.T) {
	for _, tc := range []struct {
		err  string
		want bool
	}{
		{"emulators: dynamodb-local failed to start; log tail:\njava.net.BindException: Address already in use", true},
		{"emulators: fauxqs failed to start; log tail:\nError: listen EADDRINUSE: address already in use 127.0.0.1:4566", true},
		{"emulators: dynamodb-local did not answer within 1m0s", false},
	} {
		if got := portTaken(errors.New(tc.err)); got != tc.want {
			t.Errorf("portTaken(%q) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
