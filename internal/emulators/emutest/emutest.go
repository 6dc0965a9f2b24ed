// Package emutest gives integration tests in other packages one emulator
// stack per test binary, so each package pays the JVM's start-up once, and
// turns missing tools into a skip locally but a failure under `make test`.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { emutest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		stack := emutest.Need(t) // skips when the emulators are not installed
//		...
//	}
//
// The stack starts on the first Need, not in Main, so a package whose
// selected tests need no emulator (go test -run Unit) does not wait for one.
// Once started, the AWS_* variables from Stack.Env are set in the process
// environment, so code under test that loads the default AWS configuration
// reaches the emulators.
//
// With go test -short, Need skips without starting anything. Setting
// KABINET_EMULATOR_LOG=1 copies the emulators' output to stderr.
package emutest

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"

	"github.com/kabinet/kabinet/internal/emulators"
)

// RequireEnv is the environment variable that turns missing emulator tools
// into a failure instead of a skip. `make test` and CI set it to 1, so an
// integration suite cannot pass by silently skipping.
const RequireEnv = "KABINET_REQUIRE_EMULATORS"

// ExternalEnv set to 1 runs the integration tests against an AWS-compatible
// stack that is already running — LocalStack, say — found through the SDK's
// own variables (AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_<SERVICE>, region and
// credentials): nothing is started or stopped.
const ExternalEnv = "KABINET_EXTERNAL_STACK"

var (
	mainCalled bool
	skipReason string // set by Main when Need must skip: the message to skip with

	once     sync.Once
	stack    *emulators.Stack
	startErr error
)

// Main starts one emulator stack for a test binary, sets the AWS env vars, runs m, stops the stack. If the tools are not installed: when KABINET_REQUIRE_EMULATORS=1 (make test sets it) it prints why and exits 1; otherwise prints "integration tests skipped: <reason>; run make tools" and runs m so that Need() skips.
//
// The stack is started lazily by the first Need (see the package doc). Main
// does not return: it exits with m's status, or 1 if stopping the stack
// failed (an emulator that crashed during the tests).
func Main(m *testing.M) {
	os.Exit(run(m, nil))
}

// MainThen is Main running then after the tests, when they passed, before
// the emulators stop; its result (non-zero fails the run) is the exit
// code. A package checks something its tests collected together with it.
func MainThen(m *testing.M, then func() int) {
	os.Exit(run(m, then))
}

func run(m *testing.M, then func() int) int {
	mainCalled = true
	flag.Parse() // for testing.Short; m.Run does not parse twice
	if testing.Short() {
		skipReason = "integration tests skipped in -short mode"
		return m.Run()
	}
	if os.Getenv(ExternalEnv) == "1" {
		code := m.Run()
		if code == 0 && then != nil {
			code = then()
		}
		return code
	}
	if _, err := emulators.ToolsDir(); err != nil {
		if os.Getenv(RequireEnv) == "1" {
			fmt.Fprintf(os.Stderr, "integration tests need the emulators (%s=1): %v\n", RequireEnv, err)
			return 1
		}
		skipReason = fmt.Sprintf("integration tests skipped: %v; run make tools", err)
		fmt.Fprintln(os.Stderr, skipReason)
		return m.Run()
	}
	code := m.Run()
	if code == 0 && then != nil {
		code = then()
	}
	if stack != nil {
		if err := stack.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "emutest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}

// Need returns the running stack or skips the test with the reason (t.Skip with the printed reason).
//
// The first call starts the stack and sets the AWS environment; a failure to
// start fails this and every later Need, since the tools are there and
// should work. Need is safe to call from parallel tests.
func Need(t testing.TB) *emulators.Stack {
	t.Helper()
	if !mainCalled {
		t.Fatal("emutest.Need: the package's TestMain must call emutest.Main(m)")
	}
	if skipReason != "" {
		t.Skip(skipReason)
	}
	if os.Getenv(ExternalEnv) == "1" {
		return external()
	}
	once.Do(func() {
		var log io.Writer
		if os.Getenv("KABINET_EMULATOR_LOG") == "1" {
			log = os.Stderr
		}
		s, err := emulators.Start(context.Background(), emulators.Options{Log: log})
		if err != nil {
			startErr = err
			return
		}
		if err := s.Setenv(); err != nil {
			_ = s.Stop()
			startErr = err
			return
		}
		stack = s
	})
	if startErr != nil {
		t.Fatalf("emutest: %v", startErr)
	}
	return stack
}

// external describes the stack the environment points at.
func external() *emulators.Stack {
	endpoint := func(service string) string {
		if v := os.Getenv("AWS_ENDPOINT_URL_" + service); v != "" {
			return v
		}
		return os.Getenv("AWS_ENDPOINT_URL")
	}
	return &emulators.Stack{DynamoDBEndpoint: endpoint("DYNAMODB"), SNSEndpoint: endpoint("SNS"), SQSEndpoint: endpoint("SQS"), S3Endpoint: endpoint("S3")}
}

// DeadEndpoint returns the URL of a loopback port, held until the test
// ends, that drops every connection: a dependency that is down. A port
// merely listened on and closed again may be taken meanwhile by another
// test's server, whose answers are not the outage the test wants.
func DeadEndpoint(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String()
}
