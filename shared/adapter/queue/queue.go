// Package queue is the SQS adapter of the reminder pipeline: it implements
// reminders.JobQueue on one FIFO queue per reminders.Class, whose message
// group is the job's shard, so SQS hands a shard's jobs to one worker at a
// time, in order. Queues is the one definition of those queues: the CDK
// stack creates them from it and the local runner creates them in the
// emulator from it (Ensure).
//
// Its calls (SendMessageBatch; ReceiveMessage, DeleteMessage and
// CreateQueue for the local runner and tests) are sent in SQS's JSON 1.0
// protocol by internal/awsjson, not through the SDK's SQS client, whose
// package builds its endpoint rules and schemas at every start of the
// functions that only enqueue (init instructions, BENCHMARKS.md).
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/kabinet/kabinet/internal/awsjson"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/reminders"
)

// Queue is the job queue of one class.
type Queue struct {
	Class reminders.Class
	ID    string // construct id in the CDK stack
	Name  string // queue name suffix, ending in .fifo; deployed as kabinet-<stage>-<Name>
	Env   string // environment variable carrying the queue's URL
	// Visibility is the queue's visibility timeout: how long a delivered
	// job is the worker's alone, and how long its shard waits when that
	// worker dies. It must exceed the worker function's timeout (Lambda
	// requires it), and stays short for the urgent class.
	Visibility time.Duration
	// MaxReceives is how many deliveries of one job fail before it goes to
	// the queue's dead-letter queue (the stack's; the next minute's job
	// for the shard does the work meanwhile).
	MaxReceives int
}

// The queues.
var (
	Urgent = Queue{Class: reminders.ClassUrgent, ID: "UrgentJobs", Name: "reminder-jobs-urgent.fifo",
		Env: "URGENT_JOBS_QUEUE_URL", Visibility: 2 * time.Minute, MaxReceives: 5}
	Documents = Queue{Class: reminders.ClassDocument, ID: "DocumentJobs", Name: "reminder-jobs-document.fifo",
		Env: "DOCUMENT_JOBS_QUEUE_URL", Visibility: 5 * time.Minute, MaxReceives: 5}
)

// Queues lists every job queue, the most urgent first.
var Queues = []Queue{Urgent, Documents}

// Attributes are the queue's SQS attributes: FIFO with explicit
// deduplication ids (a job's Key, which names its shard), with Visibility.
func (q Queue) Attributes() map[string]string {
	return map[string]string{
		"FifoQueue":                 "true",
		"ContentBasedDeduplication": "false",
		"VisibilityTimeout":         strconv.Itoa(int(q.Visibility.Seconds())),
	}
}

// Jobs implements reminders.JobQueue on SQS.
type Jobs struct {
	// AWS gives the region, the credentials and the HTTP client; the
	// endpoint comes from the SDK's variables (AWS_ENDPOINT_URL_SQS, else
	// AWS_ENDPOINT_URL), as the SDK's own client reads them.
	AWS  aws.Config
	URLs map[reminders.Class]string // each class's queue URL
}

// service is SQS's JSON protocol.
var service = awsjson.Service{Name: "sqs", EndpointEnv: "AWS_ENDPOINT_URL_SQS", Version: "1.0", TargetPrefix: "AmazonSQS"}

// sqsCall makes one SQS call with cfg (see Jobs.AWS).
func sqsCall(ctx context.Context, cfg aws.Config, op string, in, out any) error {
	return awsjson.Client{Service: service, AWS: cfg}.Call(ctx, op, in, out)
}

// The calls' shapes, as the SQS API Reference names their members.
type (
	entry struct {
		Id, MessageBody, MessageGroupId, MessageDeduplicationId string
	}
	sendBatchOut struct {
		Failed []struct{ Id, Code, Message string }
	}
	message   struct{ Body, ReceiptHandle string }
	receiveIn struct {
		QueueUrl                             string
		MaxNumberOfMessages, WaitTimeSeconds int32
	}
	deleteIn struct{ QueueUrl, ReceiptHandle string }
)

var _ reminders.JobQueue = (*Jobs)(nil)

// URLsFrom reads each queue's URL through getenv; a class whose variable
// is unset is missing from the result.
func URLsFrom(getenv func(string) string) map[reminders.Class]string {
	urls := map[reminders.Class]string{}
	for _, q := range Queues {
		if u := getenv(q.Env); u != "" {
			urls[q.Class] = u
		}
	}
	return urls
}

// maxBatch is what one SendMessageBatch call takes.
const maxBatch = 10

// Enqueue implements reminders.JobQueue with SendMessageBatch, ten jobs a
// call: group = the shard, deduplication id = the job's Key (SQS drops a
// copy sent within five minutes). Errors: Invalid (a job not Valid, or of
// a class without a queue), Unavailable (SQS unreachable or throttling),
// Internal (anything else, an entry refused included).
func (j *Jobs) Enqueue(ctx context.Context, jobs []reminders.Job) error {
	const op = "queue.Enqueue"
	byURL := map[string][]reminders.Job{}
	var order []string
	for _, job := range jobs {
		url := j.URLs[job.Class]
		if !job.Valid() || url == "" {
			return errs.E(op, errs.Invalid, fmt.Errorf("no queue for job of class %q shard %d", job.Class, job.Shard))
		}
		if _, seen := byURL[url]; !seen {
			order = append(order, url)
		}
		byURL[url] = append(byURL[url], job)
	}
	for _, url := range order {
		for start := 0; start < len(byURL[url]); start += maxBatch {
			batch := byURL[url][start:min(start+maxBatch, len(byURL[url]))]
			entries := make([]entry, len(batch))
			for i, job := range batch {
				body, err := Encode(job)
				if err != nil {
					return errs.E(op, errs.Internal, err)
				}
				entries[i] = entry{Id: strconv.Itoa(i), MessageBody: body, MessageGroupId: job.Group(), MessageDeduplicationId: job.Key()}
			}
			var out sendBatchOut
			if err := sqsCall(ctx, j.AWS, "SendMessageBatch", struct {
				QueueUrl string
				Entries  []entry
			}{url, entries}, &out); err != nil {
				return wrap(op, err)
			}
			if len(out.Failed) > 0 {
				f := out.Failed[0]
				return errs.E(op, errs.Internal, fmt.Errorf("%d jobs refused, first: %s: %s", len(out.Failed), f.Code, f.Message))
			}
		}
	}
	return nil
}

// Encode is a job as a message body.
func Encode(job reminders.Job) (string, error) {
	b, err := json.Marshal(job)
	return string(b), err
}

// Decode reads a job from a message body. Errors: Invalid (not a job).
func Decode(body string) (reminders.Job, error) {
	var job reminders.Job
	if err := json.Unmarshal([]byte(body), &job); err != nil {
		return job, errs.E("queue.Decode", errs.Invalid, err)
	}
	if !job.Valid() {
		return job, errs.E("queue.Decode", errs.Invalid, errors.New("not a job: class, shard or instant missing"))
	}
	return job, nil
}

// Received is a job as a consumer received it.
type Received struct {
	Job     reminders.Job
	Class   reminders.Class
	receipt string
}

// Receive takes up to max jobs of class from its queue, waiting up to wait
// for one (a long poll). The deployed workers get theirs from Lambda's event
// source mapping; the local runner and tests poll with this. A message that
// is not a job is deleted. Errors: Unavailable, Internal.
func (j *Jobs) Receive(ctx context.Context, class reminders.Class, max int32, wait time.Duration) ([]Received, error) {
	const op = "queue.Receive"
	url := j.URLs[class]
	var out struct{ Messages []message }
	if err := sqsCall(ctx, j.AWS, "ReceiveMessage", receiveIn{url, max, int32(wait.Seconds())}, &out); err != nil {
		return nil, wrap(op, err)
	}
	var got []Received
	for _, m := range out.Messages {
		job, err := Decode(m.Body)
		if err != nil {
			_ = sqsCall(ctx, j.AWS, "DeleteMessage", deleteIn{url, m.ReceiptHandle}, nil)
			continue
		}
		got = append(got, Received{Job: job, Class: class, receipt: m.ReceiptHandle})
	}
	return got, nil
}

// Done deletes a received job: it was drained. Errors: Unavailable, Internal.
func (j *Jobs) Done(ctx context.Context, r Received) error {
	return wrap("queue.Done", sqsCall(ctx, j.AWS, "DeleteMessage", deleteIn{j.URLs[r.Class], r.receipt}, nil))
}

// Ensure creates every queue of Queues named prefix+Name (CreateQueue is
// idempotent) and returns their URLs by class: the local runner's and the
// tests' stand-in for the stack.
func Ensure(ctx context.Context, cfg aws.Config, prefix string) (map[reminders.Class]string, error) {
	urls := map[reminders.Class]string{}
	for _, q := range Queues {
		var out struct{ QueueUrl string }
		if err := sqsCall(ctx, cfg, "CreateQueue", struct {
			QueueName  string
			Attributes map[string]string
		}{prefix + q.Name, q.Attributes()}, &out); err != nil {
			return nil, fmt.Errorf("create queue %s: %w", q.Name, err)
		}
		urls[q.Class] = out.QueueUrl
	}
	return urls, nil
}

// wrap turns a call's error into a Kabinet error: Unavailable when SQS
// could not be reached or answered with a throttling or server error (after
// awsjson's tries), Internal for any other answer (a missing queue, no
// permission).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var refused *awsjson.Error
	if errors.As(err, &refused) && !refused.Retryable() {
		return errs.E(op, errs.Internal, err)
	}
	return errs.E(op, errs.Unavailable, err)
}
