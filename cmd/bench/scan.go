package main

import (
	"context"
	"fmt"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/kabinet/kabinet/internal/ddbcapacity"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/app/core"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// scanResult is the expiry scan on one table size.
type scanResult struct {
	Docs, Due    int
	Load         time.Duration // bulk load of the table (store.PutDocuments)
	Read         int           // Summary.Read: due-index items read
	Sent         int
	Published    int // SNS messages (email + SMS per reminder)
	PublishCalls int // SNS API calls
	ScanRCU      float64
	ScanRCUKnown bool
	Wall         time.Duration // one scan
	QueryCalls   int
	// The DynamoDB work of the reminders themselves (profile, claim,
	// complete, advance): everything but the due-index queries.
	WorkCalls int
	WorkUnits float64
	WorkRead  float64
	WorkWrite float64

	NaiveScanned int // ScannedCount of a full Scan with a FilterExpression
	NaiveMatched int
	NaiveRCU     float64
	NaiveKnown   bool
	NaiveWall    time.Duration
	NaivePages   int
}

func (r scanResult) ReadRatio() float64 { return float64(r.Read) / float64(max(r.Due, 1)) }
func (r scanResult) ItemRatio() float64 { return float64(r.NaiveScanned) / float64(max(r.Read, 1)) }

// scanSizes are the table sizes measured.
func (b *bench) scanSizes() []int {
	switch {
	case b.o.Quick:
		return []int{1000}
	case b.o.Large:
		return []int{10_000, 100_000, 1_000_000}
	}
	return []int{10_000, 100_000}
}

var scanNow = time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC)

// scanScaling loads tables of growing size, 1% of the documents due, and
// runs the expiry scan and a naive filtered Scan over each.
func (b *bench) scanScaling(ctx context.Context, rep *report) error {
	topic, err := b.cl.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("bench-scan-reminders")})
	if err != nil {
		return err
	}
	for _, size := range b.scanSizes() {
		r, err := b.scanOne(ctx, size, aws.ToString(topic.TopicArn))
		if err != nil {
			return fmt.Errorf("%d documents: %w", size, err)
		}
		rep.Scans = append(rep.Scans, r)
	}
	return nil
}

func (b *bench) scanOne(ctx context.Context, size int, topicARN string) (scanResult, error) {
	r := scanResult{Docs: size}
	table, done, err := b.table(ctx, fmt.Sprintf("scan%d", size))
	if err != nil {
		return r, err
	}
	defer done()
	st := allstore.New(b.raw, table)
	msk, _ := time.LoadLocation("Europe/Moscow")
	dueExp := civil.Date{Year: 2026, Month: 12, Day: 31}
	laterExp := civil.Date{Year: 2028, Month: 1, Day: 1}
	var dueOwners []string

	// Bulk load in chunks, so a million documents never sit in memory at once.
	t0 := time.Now()
	const chunk = 20_000
	for from := 0; from < size; from += chunk {
		docs := make([]registry.Document, 0, chunk)
		for i := from; i < min(from+chunk, size); i++ {
			d := registry.Document{ID: ids.New(), Owner: fmt.Sprintf("u%07d", i), Type: registry.Custom, Title: "Document",
				ExpiresOnSource: registry.SourceUser, Source: registry.SourceUser, CreatedAt: scanNow, UpdatedAt: scanNow, Version: 1}
			due := i%100 == 0
			switch {
			case due: // due now: 1%
				d.ExpiresOn = &dueExp
			case i%2 == 0: // in the index, due in a year
				d.ExpiresOn = &laterExp
			} // else indefinite: not in the index at all
			d.Reminder = d.Schedule(msk, scanNow.Add(-24*time.Hour))
			if due {
				at := scanNow
				d.Reminder.NextAt = &at
				dueOwners = append(dueOwners, d.Owner)
			}
			docs = append(docs, d)
		}
		if err := st.PutDocuments(ctx, docs); err != nil {
			return r, err
		}
	}
	r.Due = len(dueOwners)
	// The due owners want e-mail and SMS: two SNS messages per reminder.
	if err := parallel(ctx, 8, len(dueOwners), func(i int) error {
		return st.PutProfile(ctx, registry.Profile{Owner: dueOwners[i], TimeZone: "Europe/Moscow", Language: "ru",
			Email: dueOwners[i] + "@example.test", Phone: "+79990000001", PhoneVerified: true, EmailVerified: true, Channels: registry.Channels{SMS: true, Email: true},
			Version: 1, UpdatedAt: scanNow}, 0)
	}); err != nil {
		return r, err
	}
	r.Load = time.Since(t0)
	b.logf("scan %d: loaded %d documents (%d due) in %s", size, size, r.Due, r.Load.Round(time.Millisecond))

	// The naive alternative first (the scan moves what it sends to its next step):
	// scan the whole table, filter what is due.
	t0 = time.Now()
	r.NaiveKnown = true
	p := dynamodb.NewScanPaginator(b.raw, &dynamodb.ScanInput{TableName: aws.String(table),
		FilterExpression:          aws.String("nextRemindAt <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberS{Value: scanNow.Format("2006-01-02T15:04:05Z")}},
		ReturnConsumedCapacity:    types.ReturnConsumedCapacityTotal,
	})
	// A page of a full Scan reads 1 MB: on a loaded machine DynamoDB Local
	// takes longer than the functions' 5 s call timeout to answer it, and
	// the reference must not fail for that.
	slow := func(o *dynamodb.Options) { o.HTTPClient = awshttp.NewBuildableClient().WithTimeout(2 * time.Minute) }
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, slow)
		if err != nil {
			return r, err
		}
		r.NaivePages++
		r.NaiveScanned += int(page.ScannedCount)
		r.NaiveMatched += int(page.Count)
		if c, _, _ := ddbcapacity.Sum(page.ConsumedCapacity); c >= 0 {
			r.NaiveRCU += c
		} else {
			r.NaiveKnown = false
		}
	}
	r.NaiveWall = time.Since(t0)
	b.logf("scan %d: naive Scan read %d items (%d matched) in %d pages, %s", size, r.NaiveScanned, r.NaiveMatched, r.NaivePages, r.NaiveWall.Round(time.Millisecond))
	sc, err := app.Scanner(core.Config{Table: table, Reminders: topicARN}, b.cl, slog.New(slog.DiscardHandler))
	if err != nil {
		return r, err
	}
	sc.MaxPerRun = r.Due + 1000 // one run takes everything due (the default caps a run at 2000)
	b.count.start()
	t0 = time.Now()
	sum, err := sc.Run(ctx, scanNow)
	r.Wall = time.Since(t0)
	calls := b.count.stop().calls
	if err != nil {
		return r, err
	}
	r.Read, r.Sent = sum.Read, sum.Sent
	r.ScanRCUKnown = true
	for _, c := range calls {
		switch c.Op {
		case "Query":
			r.QueryCalls++
			if c.Capacity < 0 {
				r.ScanRCUKnown = false
			} else {
				r.ScanRCU += c.Capacity
			}
		case "Publish":
			r.PublishCalls++
			r.Published++
		case "GetItem", "UpdateItem", "PutItem", "TransactWriteItems", "BatchGetItem", "DeleteItem":
			r.WorkCalls++
			if c.Capacity >= 0 {
				r.WorkUnits += c.Capacity
				r.WorkRead += c.Read
				r.WorkWrite += c.Write
			}
		case "PublishBatch":
			r.PublishCalls++
			if in, ok := c.Input.(*sns.PublishBatchInput); ok && !c.Err {
				r.Published += len(in.PublishBatchRequestEntries)
			}
		}
	}
	b.logf("scan %d: read %d, due %d, sent %d, %d messages in %d SNS calls, %s", size, r.Read, sum.Due, r.Sent, r.Published, r.PublishCalls, r.Wall.Round(time.Millisecond))

	return r, nil
}

// parallel runs f(0..n-1) on k workers; the first error wins.
func parallel(ctx context.Context, k, n int, f func(int) error) error {
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	next := make(chan int)
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}
