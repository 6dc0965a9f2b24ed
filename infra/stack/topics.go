package stack

import (
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/notify"
)

// newTopics creates every topic of notify.Topics, named
// kabinet-<stage>-<Name> and encrypted with key, by topic ID.
func newTopics(scope constructs.Construct, stage string, key awskms.IKey) map[string]awssns.Topic {
	out := map[string]awssns.Topic{}
	for _, t := range notify.Topics {
		if _, dup := out[t.ID]; dup {
			panic(fmt.Sprintf("stack: topic id %q declared twice", t.ID))
		}
		if t.Name == operatorsTopic {
			panic(fmt.Sprintf("stack: topic %q takes the name of the operators topic", t.ID))
		}
		out[t.ID] = newTopic(scope, t.ID, stage, t.Name, key)
	}
	return out
}

// operatorsTopic is the name of the topic the alarms notify; no topic of
// notify.Topics may take it.
const operatorsTopic = "operators"

// newOperatorsTopic creates the topic the alarms notify. Operators subscribe
// to it out of band (e-mail subscriptions need confirming anyway).
func newOperatorsTopic(scope constructs.Construct, stage string, key awskms.IKey) awssns.Topic {
	return newTopic(scope, "OperatorsTopic", stage, operatorsTopic, key)
}

func newTopic(scope constructs.Construct, id, stage, name string, key awskms.IKey) awssns.Topic {
	return awssns.NewTopic(scope, jsii.String(id), &awssns.TopicProps{
		TopicName: jsii.String(topicName(stage, name)),
		MasterKey: key,
	})
}

// topicName is the deployed name of topic name in stage.
func topicName(stage, name string) string { return "kabinet-" + stage + "-" + name }

// grantTopics gives each function exactly the topic access its entry of
// functions.All names, and the topic's ARN in topic.Env; any other function
// gets neither the ARN nor any SNS permission. A topic name notify.Topics
// does not list panics.
//
// Managing subscriptions is Subscribe on the topic, and Unsubscribe,
// GetSubscriptionAttributes and SetSubscriptionAttributes (a shared phone's
// or address's filter lists everyone sharing it) on its subscriptions (whose
// ARNs are <topic ARN>:<id>). Publishing is Publish (which also authorizes
// PublishBatch), with the use of the topic's KMS key that SNS requires of a
// publisher.
func grantTopics(fns map[string]awslambda.Function, topics map[string]awssns.Topic) {
	lookup := func(f functions.Function, name string) (notify.Topic, awssns.Topic) {
		for _, t := range notify.Topics {
			if t.Name == name {
				return t, topics[t.ID]
			}
		}
		panic(fmt.Sprintf("stack: function %s names topic %q, which notify.Topics does not list", f.Name, name))
	}
	for _, f := range functions.All {
		fn := fns[f.Name]
		for _, name := range f.Needs.Subscriptions {
			t, topic := lookup(f, name)
			fn.AddEnvironment(jsii.String(t.Env), topic.TopicArn(), nil)
			topic.GrantSubscribe(fn)
			fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Actions:   jsii.Strings("sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"),
				Resources: jsii.Strings(*topic.TopicArn() + ":*"),
			}))
		}
		for _, name := range f.Needs.Publish {
			t, topic := lookup(f, name)
			fn.AddEnvironment(jsii.String(t.Env), topic.TopicArn(), nil)
			topic.GrantPublish(fn) // also grants kms:Decrypt and kms:GenerateDataKey* on the topic's key
		}
	}
}

// sortedTopics are topics' values by id, in a stable order.
func sortedTopics(topics map[string]awssns.Topic) []awssns.Topic {
	ids := slices.Sorted(maps.Keys(topics))
	out := make([]awssns.Topic, len(ids))
	for i, id := range ids {
		out[i] = topics[id]
	}
	return out
}
