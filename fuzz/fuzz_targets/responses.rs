//! Every API's response decoders must refuse or accept any bytes without panicking.
#![no_main]

use jaicp_core::error::OpName;
use jaicp_core::request::decode_json;

const OP: OpName = OpName { api: "fuzz", operation: "decode" };

macro_rules! decode_all {
    ($data:expr; $($ty:ty),* $(,)?) => {
        $( let _ = decode_json::<$ty>(OP, $data, &[]); )*
    };
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    decode_all!(data;
        jaicp_calls::models::CallJobIdList,
        jaicp_calls::models::CallJobReportListWithPagination,
        jaicp_calls::models::CallAttemptReportList,
        jaicp_calls::models::CallTaskByTokenData,
        jaicp_calls::models::CallTaskStatusType,
        jaicp_reporter::models::ClientsData,
        jaicp_reporter::models::MessagesForSessionDto,
        jaicp_reporter::models::ReportGenerationTasksDto,
        jaicp_reporter::models::SessionInfo,
        jaicp_nlp::models::InferenceResultData,
        jaicp_nlp::models::InferenceResultsData,
        jaicp_nlp::models::ProjectExportImportData,
        jaicp_project::models::ProjectListDto,
        jaicp_project::models::ProjectDto,
        jaicp_channel::models::BotChannelListDto,
        jaicp_channel::models::BotChannelDto,
        jaicp_text_campaigns::models::TextCampaignsDto,
        jaicp_text_campaigns::models::TextCampaignDto,
        jaicp_core::async_task::events_models::AsyncResponseDto,
        jaicp_core::async_task::events_models::AsyncResponsesDto,
    );
});
