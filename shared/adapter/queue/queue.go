// Package queue is the SQS adapter of the reminder pipeline: it implements
// reminders.JobQueue on one FIFO queue per reminders.Class, whose message
// group is the job's shard, so SQS hands a shard's jobs to one worker at a
// time, in order. Queues is the one definition of those queues: the CDK
// stack creates them from it and the local runner creates them in the
// emulator from it (Ensure).
package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

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
		string(types.QueueAttributeNameFifoQueue):                 "true",
		string(types.QueueAttributeNameContentBasedDeduplication): "false",
		string(types.QueueAttributeNameVisibilityTimeout):         strconv.Itoa(int(q.Visibility.Seconds())),
	}
}

// Jobs implements reminders.JobQueue on SQS.
type Jobs struct {
	SQS  *sqs.Client
	URLs map[reminders.Class]string // each class's queue URL
}

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
			entries := make([]types.SendMessageBatchRequestEntry, len(batch))
			for i, job := range batch {
				body, err := Encode(job)
				if err != nil {
					return errs.E(op, errs.Internal, err)
				}
				entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(body),
					MessageGroupId: aws.String(job.Group()), MessageDeduplicationId: aws.String(job.Key())}
			}
			out, err := j.SQS.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
			if err != nil {
				return wrap(op, err)
			}
			if len(out.Failed) > 0 {
				f := out.Failed[0]
				return errs.E(op, errs.Internal, fmt.Errorf("%d jobs refused, first: %s: %s",
					len(out.Failed), aws.ToString(f.Code), aws.ToString(f.Message)))
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
	out, err := j.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
		MaxNumberOfMessages: max, WaitTimeSeconds: int32(wait.Seconds())})
	if err != nil {
		return nil, wrap(op, err)
	}
	var got []Received
	for _, m := range out.Messages {
		job, err := Decode(aws.ToString(m.Body))
		if err != nil {
			_, _ = j.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle})
			continue
		}
		got = append(got, Received{Job: job, Class: class, receipt: aws.ToString(m.ReceiptHandle)})
	}
	return got, nil
}

// Done deletes a received job: it was drained. Errors: Unavailable, Internal.
func (j *Jobs) Done(ctx context.Context, r Received) error {
	_, err := j.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(j.URLs[r.Class]), ReceiptHandle: aws.String(r.receipt)})
	return wrap("queue.Done", err)
}

// Ensure creates every queue of Queues named prefix+Name (CreateQueue is
// idempotent) and returns their URLs by class: the local runner's and the
// tests' stand-in for the stack.
func Ensure(ctx context.Context, c *sqs.Client, prefix string) (map[reminders.Class]string, error) {
	urls := map[reminders.Class]string{}
	for _, q := range Queues {
		out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(prefix + q.Name), Attributes: q.Attributes()})
		if err != nil {
			return nil, fmt.Errorf("create queue %s: %w", q.Name, err)
		}
		urls[q.Class] = aws.ToString(out.QueueUrl)
	}
	return urls, nil
}

// unavailableCodes are SQS error codes that mean "try again later".
var unavailableCodes = map[string]bool{
	"ThrottlingException":     true,
	"RequestThrottled":        true,
	"ServiceUnavailable":      true,
	"InternalError":           true,
	"KmsThrottled":            true,
	"KMS.ThrottlingException": true,
}

// wrap turns an SDK error into a Kabinet error: Unavailable when SQS could
// not be reached or answered with a throttling or server error, Internal
// for any other answer (a missing queue, no permission).
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if unavailableCodes[api.ErrorCode()] {
			return errs.E(op, errs.Unavailable, err)
		}
		return errs.E(op, errs.Internal, err)
	}
	return errs.E(op, errs.Unavailable, err)
}
