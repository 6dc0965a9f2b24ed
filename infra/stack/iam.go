package stack

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/store"
)

// Least privilege per function. Each function has a role of its own that
// starts empty: no AWSLambdaBasicExecutionRole (whose log permissions are
// on every log group of the account), only writing to its own log group.
// Every grant after that comes from the function's entry of functions.All:
// the table actions its code calls (a test records them on DynamoDB Local),
// on the table, Query on the indexes it names, the table key's use through
// DynamoDB alone; then the topics, queues and secrets its needs name
// (topics.go, jobqueues.go, tickets.go).

// newFunctionRole creates the role of the function whose construct ids
// start with id, allowed to write to logs and nothing else.
func newFunctionRole(scope constructs.Construct, id string, logs awslogs.ILogGroup) awsiam.Role {
	role := awsiam.NewRole(scope, jsii.String(id+"Role"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Kabinet " + id + " function: only what its entry of functions.All declares"),
	})
	logs.GrantWrite(role) // logs:CreateLogStream, logs:PutLogEvents on this log group
	return role
}

// writeActions are the table actions that write; a function with any of
// them may also encrypt with the table's key.
var writeActions = []string{functions.PutItem, functions.UpdateItem, functions.DeleteItem, functions.BatchWriteItem}

// grantTable gives each function exactly the table actions its entry
// declares, on the table; Query on each index it names (and on no other);
// and the table key through DynamoDB only (kms:ViaService): decrypting for
// every function with access, encrypting too for those that write. An
// action that is not a table action of functions.TableActions, or an index
// store.Schema does not have, panics.
func grantTable(fns map[string]awslambda.Function, table awsdynamodb.ITable, key awskms.IKey) {
	st := awscdk.Stack_Of(table)
	viaDynamoDB := &map[string]any{"StringEquals": map[string]any{
		"kms:ViaService": awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("dynamodb."), st.Region(), jsii.String("."), st.UrlSuffix()}),
	}}
	for _, f := range functions.All {
		acts := f.Needs.Table.Actions
		if len(acts) == 0 {
			if len(f.Needs.Table.Indexes) > 0 {
				panic(fmt.Sprintf("stack: function %s names indexes without table actions", f.Name))
			}
			continue
		}
		for _, a := range acts {
			if !slices.Contains(functions.TableActions, a) {
				panic(fmt.Sprintf("stack: function %s: %q is not a table action of functions.TableActions", f.Name, a))
			}
		}
		fn := fns[f.Name]
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:       jsii.String("Table"),
			Actions:   jsii.Strings(acts...),
			Resources: &[]*string{table.TableArn()},
		}))
		if len(f.Needs.Table.Indexes) > 0 {
			if !slices.Contains(acts, functions.Query) {
				panic(fmt.Sprintf("stack: function %s names indexes but does not declare %s", f.Name, functions.Query))
			}
			var arns []*string
			for _, ix := range f.Needs.Table.Indexes {
				if !slices.ContainsFunc(store.Schema.Indexes, func(i store.Index) bool { return i.Name == ix }) {
					panic(fmt.Sprintf("stack: function %s: index %q is not in store.Schema", f.Name, ix))
				}
				arns = append(arns, jsii.String(*table.TableArn()+"/index/"+ix))
			}
			fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
				Sid:       jsii.String("TableIndexes"),
				Actions:   jsii.Strings(functions.Query),
				Resources: &arns,
			}))
		}
		kms := []string{"kms:Decrypt"}
		if slices.ContainsFunc(acts, func(a string) bool { return slices.Contains(writeActions, a) }) {
			kms = append(kms, "kms:Encrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*")
		}
		fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("TableKeyThroughDynamoDB"),
			Actions:    jsii.Strings(kms...),
			Resources:  &[]*string{key.KeyArn()},
			Conditions: viaDynamoDB,
		}))
	}
}
