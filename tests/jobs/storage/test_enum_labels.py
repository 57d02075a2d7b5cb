"""Chinese labels of the vocabularies: members of different enums that share a value keep their own label."""

from jobs.storage.enums import Channel, ClaimStatus, OutboxStatus, RunStatus


def test_members_sharing_a_value_keep_their_own_labels():
    assert ClaimStatus.PENDING.label == "待达标"
    assert OutboxStatus.PENDING.label == "待发送"
    assert (OutboxStatus.FAILED.label, RunStatus.FAILED.label) == ("发送失败", "失败")
    assert Channel.SMS.label == "短信"
