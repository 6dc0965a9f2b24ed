package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// local is cmd/local running as a subprocess.
type local struct {
	base string            // http://127.0.0.1:<port>
	env  map[string]string // <dir>/stack.env
	dir  string
	cmd  *exec.Cmd
	done chan error

	once    sync.Once
	stopErr error
}

// startLocal builds cmd/local once into a temporary directory and runs it
// on a free loopback port with KABINET_LOCAL_DIR in that directory, then
// waits for /healthz and reads stack.env.
func startLocal(ctx context.Context, root string, logf func(string, ...any)) (*local, error) {
	dir, err := os.MkdirTemp("", "kabinet-load-")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "kabinet-local")
	logf("building cmd/local")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/local")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build ./cmd/local: %v\n%s", err, b)
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	logFile, err := os.Create(filepath.Join(dir, "local.log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "KABINET_LOCAL_DIR="+data, "KABINET_LOCAL_MEMORY=1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	l := &local{base: fmt.Sprintf("http://127.0.0.1:%d", port), dir: dir, cmd: cmd, done: make(chan error, 1)}
	go func() { l.done <- cmd.Wait(); logFile.Close() }()
	logf("starting the local system (emulators, seed) on %s", l.base)
	// a hang guard, not a speed target: seeding takes minutes on a loaded machine
	if err := l.waitHealthy(ctx, 8*time.Minute); err != nil {
		_ = l.stop()
		return nil, err
	}
	if l.env, err = readEnv(filepath.Join(data, "stack.env")); err != nil {
		_ = l.stop()
		return nil, err
	}
	return l, nil
}

func (l *local) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-l.done:
			l.done <- err
			return fmt.Errorf("cmd/local exited before it was ready (%v):\n%s", err, l.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if r, err := c.Get(l.base + "/healthz"); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cmd/local not healthy after %s:\n%s", limit, l.logTail())
		}
	}
}

func (l *local) logTail() string {
	b, _ := os.ReadFile(filepath.Join(l.dir, "local.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// stop interrupts cmd/local (it stops its emulators on SIGINT), waits for
// it, and removes the temporary directory. Safe to call more than once.
func (l *local) stop() error {
	l.once.Do(func() {
		defer os.RemoveAll(l.dir)
		_ = l.cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-l.done:
			var ee *exec.ExitError
			if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 0) {
				// an interrupted program may report the signal; only a
				// non-zero exit is a failure
				if errors.As(err, &ee) && ee.ExitCode() < 0 {
					return
				}
				l.stopErr = fmt.Errorf("%v:\n%s", err, l.logTail())
			}
		case <-time.After(30 * time.Second):
			_ = l.cmd.Process.Kill()
			<-l.done
			l.stopErr = errors.New("cmd/local did not stop within 30 s of SIGINT; killed")
		}
	})
	return l.stopErr
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func readEnv(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	for _, k := range []string{"AWS_ENDPOINT_URL_DYNAMODB", "TABLE_NAME"} {
		if env[k] == "" {
			return nil, fmt.Errorf("%s lacks %s", path, k)
		}
	}
	return env, sc.Err()
}
