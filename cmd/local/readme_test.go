package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/internal/emulators"
)

// TestReadmeWalkThrough pastes the README's "Trying it" commands into bash,
// as a newcomer would, against the whole local system: every command must
// run (bash -e), each captured id must be there, and the only problems
// answered are the two the README says to expect (a visit recorded before
// the appointment began, and the malformed date of the errors example).
func TestReadmeWalkThrough(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "grep", "sed", "date"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the README's commands need %s: %v", tool, err)
		}
	}
	root, err := emulators.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	script := trying(t, string(readme))
	base, _, stop := startLocal(t, false)
	script = strings.Replace(script, "API=http://127.0.0.1:8080", "API="+base, 1)

	cmd := exec.Command("bash", "-e")
	cmd.Dir = t.TempDir() // the downloads land here
	cmd.Stdin = strings.NewReader(script)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the README's commands failed: %v\nstderr:\n%s\nstdout:\n%s", err, stderr.String(), out)
	}
	for _, want := range []string{`(?m)^document [0-9a-f-]{36}$`, `(?m)^booking [0-9a-f-]{36}$`, `(?m)^application [0-9a-f-]{36}$`, `(?m)^204$`} {
		if !regexp.MustCompile(want).Match(out) {
			t.Errorf("no line %s in the output:\n%s", want, out)
		}
	}
	problems := regexp.MustCompile(`"type":"https://kabinet\.dev/problems/([a-z-]+)"`).FindAllSubmatch(out, -1)
	var got []string
	for _, p := range problems {
		got = append(got, string(p[1]))
	}
	if strings.Join(got, ",") != "not-started,validation" {
		t.Errorf("problems answered: %v, want only [not-started validation]\n%s", got, out)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// trying is the shell code of the README's "Trying it" section: its sh
// blocks, in order.
func trying(t *testing.T, readme string) string {
	t.Helper()
	start := strings.Index(readme, "\n## Trying it\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Trying it" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var code []string
	for _, block := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1) {
		code = append(code, block[1])
	}
	if len(code) == 0 {
		t.Fatal(`the "Trying it" section has no sh block`)
	}
	s := strings.Join(code, "\n")
	if !strings.Contains(s, "API=http://127.0.0.1:8080") {
		t.Fatal(`the "Trying it" commands no longer start with API=http://127.0.0.1:8080`)
	}
	return s
}
