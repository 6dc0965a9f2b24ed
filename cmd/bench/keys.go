package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
)

func ed25519Key() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// seed32 is TICKET_SIGNING_SEED's value: base64 of 32 random bytes.
func seed32() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func lastSlash(s string) int { return strings.LastIndex(s, "/") }
