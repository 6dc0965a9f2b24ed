// Package notify publishes what Kabinet tells people through SNS. Topics is
// the one definition of its topics: the CDK stack creates them from it and
// the local runner creates them in the emulator from it.
package notify

// Topic is an SNS topic a function publishes to. Functions find its ARN in
// the environment variable Env.
type Topic struct {
	ID   string // construct id in the CDK stack
	Name string // topic name suffix; deployed as kabinet-<stage>-<Name>
	Env  string // environment variable carrying the ARN
}

// Reminders carries document reminders and status notifications to SMS,
// e-mail and queue subscribers, filtered by the userId message attribute.
var Reminders = Topic{ID: "RemindersTopic", Name: "reminders", Env: "REMINDERS_TOPIC_ARN"}

// Topics lists every topic.
var Topics = []Topic{Reminders}
