//go:build unix

package emulators_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/kabinet/kabinet/internal/emulators"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
)

// TestStopLeavesNothingAndDataDirPersists runs its own stack, with DynamoDB
// Local on disk, to check that Stop takes down both process groups and that
// a table outlives a restart.
func TestStopLeavesNothingAndDataDirPersists(t *testing.T) {
	emutest.Need(t) // for the skip when the tools are missing
	t.Parallel()
	data := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	began := time.Now()
	first, err := emulators.Start(ctx, emulators.Options{DataDir: data})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Logf("Start took %s", time.Since(began).Round(time.Millisecond))
	pids := first.PIDs()
	if len(pids) != 3 {
		t.Fatalf("PIDs = %v, want 3 (DynamoDB Local, fauxqs, s3rver)", pids)
	}
	ddb := dynamodb.New(dynamodb.Options{
		Region:       emulators.Region,
		BaseEndpoint: aws.String(first.DynamoDBEndpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("other", "other", ""),
	})
	// Other credentials than the env's: -sharedDb makes the table visible to all.
	createTable(ctx, t, ddb, "persisted")
	for _, pid := range pids {
		if err := syscall.Kill(-pid, 0); err != nil {
			t.Errorf("process group %d not running before Stop: %v", pid, err)
		}
	}
	began = time.Now()
	if err := first.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	t.Logf("Stop took %s", time.Since(began).Round(time.Millisecond))
	for _, pid := range pids {
		if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process group %d after Stop: kill 0 = %v, want ESRCH", pid, err)
		}
	}
	if err := first.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	for _, ep := range []string{first.DynamoDBEndpoint, first.SNSEndpoint, first.S3Endpoint} {
		if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(ep, "http://"), time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections after Stop", ep)
		}
	}

	second, err := emulators.Start(ctx, emulators.Options{DataDir: data})
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer func() {
		if err := second.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	}()
	ddb = dynamodb.New(dynamodb.Options{Region: emulators.Region, BaseEndpoint: aws.String(second.DynamoDBEndpoint), Credentials: credentials.NewStaticCredentialsProvider("third", "third", "")})
	out, err := ddb.ListTables(ctx, &dynamodb.ListTablesInput{})
	if err != nil {
		t.Fatalf("ListTables after restart: %v", err)
	}
	if !slices.Contains(out.TableNames, "persisted") {
		t.Errorf("tables after restart = %v, want persisted", out.TableNames)
	}
}
